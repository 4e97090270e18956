// RELEASE_DUE: an offender the agency manages is expected to be released from custody
// (`releaseOn`, not yet released) within the window.
MATCH (o:Offender {managingAgency: $agency})-[r:HELD_IN]->(n:Custody)
WHERE n.releasedOn IS NULL AND $since <= n.releaseOn <= $horizon
RETURN o, n.id AS subjectId, n.releaseOn AS dueOn, r.classification AS classification
