// Full-text, point and text indexes behind the search root fields.
CREATE FULLTEXT INDEX person_names IF NOT EXISTS
FOR (n:Person) ON EACH [n.forename, n.surname, n.aliasText, n.nameKeys]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'standard-no-stop-words', `fulltext.eventually_consistent`: false } };
CREATE FULLTEXT INDEX mark_descriptions IF NOT EXISTS
FOR (n:Mark) ON EACH [n.description]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: false } };
CREATE POINT INDEX address_location IF NOT EXISTS FOR (n:Address) ON (n.location);
// A text index serves CONTAINS / STARTS WITH over plates; exact plates use the range index.
CREATE TEXT INDEX vehicle_vrm_text IF NOT EXISTS FOR (n:Vehicle) ON (n.vrm);
CREATE INDEX vehicle_vrm IF NOT EXISTS FOR (n:Vehicle) ON (n.vrm);
