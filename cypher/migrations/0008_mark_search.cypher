// Mark search (issue 10): one full-text index over a mark's description and its type, body part
// and side, so a search narrows by all of them inside Lucene before any row reaches Cypher
// ("snake" alone matches thousands of marks nationally; a left-forearm snake tattoo, a few).
// It replaces the description-only index.
CREATE FULLTEXT INDEX mark_search IF NOT EXISTS
FOR (n:Mark) ON EACH [n.description, n.type, n.bodyPart, n.side]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: false } };
DROP INDEX mark_descriptions IF EXISTS;
