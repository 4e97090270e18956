// decideAccessRequest: an OFFENDER_MANAGER or SUPERVISOR of the agency that now manages the
// offender approves a PENDING request (a share from today until $until at $ceiling, in the
// mode asked for, replacing the requester's current terms) or refuses it with a reason.
//   status: OK, NOT_FOUND (no such request, or neither side of it), NOT_MANAGING (the
//           requester's side: only the managing agency decides), NOT_PENDING (decided or
//           withdrawn already)
OPTIONAL MATCH (q:AccessRequest {id: $requestId})-[:FOR]->(o:Offender)
SET o.writeLock = true
REMOVE o.writeLock
WITH q, o,
  CASE
    WHEN q IS NULL THEN 'NOT_FOUND'
    WHEN o.managingAgency <> $agency THEN
      CASE WHEN q.requesterAgency = $agency THEN 'NOT_MANAGING' ELSE 'NOT_FOUND' END
    WHEN q.state <> 'PENDING' THEN 'NOT_PENDING'
    ELSE 'OK'
  END AS status
CALL (q, o, status) {
  WITH * WHERE status = 'OK' AND $approve
  MATCH (requester:Agency {code: q.requesterAgency})
  CALL (o, requester) {
    MATCH (o)-[s:SHARED_WITH]->(requester)
    WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
    SET s.to = $today - duration('P1D')
  }
  CREATE (o)-[:SHARED_WITH {from: $today, to: $until, ceiling: $ceiling, mode: q.mode,
                            justification: q.justification, grantedBy: $userId,
                            accessRequest: q.id}]->(requester)
  SET o.version = o.version + 1,
      q.grantedCeiling = $ceiling, q.grantedUntil = $until
}
CALL (q, status) {
  WITH * WHERE status = 'OK'
  SET q.state = CASE WHEN $approve THEN 'APPROVED' ELSE 'REFUSED' END,
      q.reason = $reason, q.decidedAt = datetime(), q.decidedBy = $userId,
      q.decidedAgency = $agency
}
RETURN status, o.id AS offenderId, true AS inScope, q.requesterAgency AS requesterAgency
