// withdrawAccessRequest: the user who asked, or a SUPERVISOR of the requesting agency, withdraws
// a PENDING request.
//   status: OK, NOT_FOUND (no such request of the principal's agency), NOT_REQUESTER (another
//           user's request, and not a SUPERVISOR), NOT_PENDING (decided or withdrawn already)
OPTIONAL MATCH (q:AccessRequest {id: $requestId, requesterAgency: $agency})-[:FOR]->(o:Offender)
WITH q, o,
  CASE
    WHEN q IS NULL THEN 'NOT_FOUND'
    WHEN q.requesterUserId <> $userId AND NOT $supervisor THEN 'NOT_REQUESTER'
    WHEN q.state <> 'PENDING' THEN 'NOT_PENDING'
    ELSE 'OK'
  END AS status
CALL (q, status) {
  WITH * WHERE status = 'OK'
  SET q.state = 'WITHDRAWN', q.decidedAt = datetime(), q.decidedBy = $userId,
      q.decidedAgency = $agency
}
RETURN status, o.id AS offenderId, q.requesterAgency AS requesterAgency,
  o IS NOT NULL AND (o.managingAgency = $agency OR EXISTS {
    MATCH (o)-[s:SHARED_WITH]->(:Agency {code: $agency})
    WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
  }) AS inScope
