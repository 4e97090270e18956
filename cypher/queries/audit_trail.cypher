// The audit records that concern an offender managed by the principal's agency, newest first,
// between $since and $until, after the keyset ($afterAt, $afterId) when given. `managed` is
// false when the offender is unknown or managed elsewhere (the caller answers FORBIDDEN).
OPTIONAL MATCH (o:Offender {id: $offenderId})
WHERE o.managingAgency = $agency
CALL (o) {
  MATCH (a:AuditRecord)-[c:CONCERNS]->(o)
  WHERE ($since IS NULL OR a.at >= $since) AND ($until IS NULL OR a.at < $until)
    AND ($afterAt IS NULL OR a.at < $afterAt OR (a.at = $afterAt AND a.id < $afterId))
  WITH a, c ORDER BY a.at DESC, a.id DESC LIMIT $limit
  RETURN collect({k: a.at, id: a.id, record: a {
    .id, .at, .requestId, .userId, .agency, .roles, .purpose, .operation, .documentHash,
    .fields, .offenderIds, .restrictedIds, .changes, disclosure: c.disclosure
  }}) AS rows
}
RETURN o IS NOT NULL AS managed, rows
