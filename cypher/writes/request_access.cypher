// requestAccess: a principal asks the agency that manages an offender outside its scope for a
// share (docs/design.md §4 rule 8). The offender's lock is taken first, so two requests of one agency
// for one offender queue here and the second sees the first as a duplicate.
//   requesterAgency: for the change event, so the asking side hears of each step.
//   status: OK, NOT_FOUND (no such offender), IN_SCOPE (managed by or shared with the requester's
//           agency already), DUPLICATE (a PENDING request of the agency for it exists)
OPTIONAL MATCH (o:Offender {id: $offenderId})
SET o.writeLock = true
REMOVE o.writeLock
WITH o,
  CASE
    WHEN o IS NULL THEN 'NOT_FOUND'
    WHEN o.managingAgency = $agency OR EXISTS {
      MATCH (o)-[s:SHARED_WITH]->(:Agency {code: $agency})
      WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
    } THEN 'IN_SCOPE'
    WHEN EXISTS { MATCH (:AccessRequest {requesterAgency: $agency, state: 'PENDING'})-[:FOR]->(o) }
      THEN 'DUPLICATE'
    ELSE 'OK'
  END AS status
CALL (o, status) {
  WITH * WHERE status = 'OK'
  CREATE (:AccessRequest {
    id: $requestId, requesterAgency: $agency, requesterUserId: $userId,
    managingAgency: o.managingAgency, purpose: $purpose, justification: $justification,
    mode: $mode, ceiling: $ceiling, state: 'PENDING', requestedAt: datetime()
  })-[:FOR]->(o)
}
RETURN status, $offenderId AS offenderId, false AS inScope, $agency AS requesterAgency
