// ACCESS_REQUEST_WAITING: another agency asks for a share of an offender the agency manages,
// and no one has decided yet (docs/design.md §4 rule 8).
MATCH (q:AccessRequest {state: 'PENDING'})-[:FOR]->(o:Offender {managingAgency: $agency})
RETURN o, q.id AS subjectId, date(q.requestedAt) AS dueOn, 'OFFICIAL' AS classification
