// Access requests (DESIGN.md §4 rule 8): one node per request, found by id and by either side.
CREATE CONSTRAINT access_request_id IF NOT EXISTS FOR (n:AccessRequest) REQUIRE n.id IS UNIQUE;
CREATE INDEX access_request_requester IF NOT EXISTS FOR (n:AccessRequest) ON (n.requesterAgency, n.state);
