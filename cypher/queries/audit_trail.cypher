// The audit records that concern an offender managed by the principal's agency, newest first,
// between $since and $until, after the keyset ($afterAt, $afterId) when given. `managed` is
// false when the offender is unknown or managed elsewhere (the caller answers FORBIDDEN).
// A record names only the offenders the reader's agency has in scope (DESIGN.md §4 rule 7:
// the same request may have read others, and their ids are not the reader's to know).
OPTIONAL MATCH (o:Offender {id: $offenderId})
WHERE o.managingAgency = $agency
CALL (o) {
  MATCH (a:AuditRecord)-[c:CONCERNS]->(o)
  WHERE ($since IS NULL OR a.at >= $since) AND ($until IS NULL OR a.at < $until)
    AND ($afterAt IS NULL OR a.at < $afterAt OR (a.at = $afterAt AND a.id < $afterId))
  WITH a, c ORDER BY a.at DESC, a.id DESC LIMIT $limit
  WITH a, c, [x IN a.offenderIds + a.restrictedIds WHERE EXISTS {
      MATCH (other:Offender {id: x})
      WHERE other.managingAgency = $agency OR EXISTS {
        MATCH (other)-[s:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
      }
    }] AS inScope
  RETURN collect({k: a.at, id: a.id, record: a {
    .id, .at, .requestId, .correlationId, .userId, .agency, .roles, .purpose, .operation, .documentHash,
    .fields, .changes, disclosure: c.disclosure,
    offenderIds: [x IN a.offenderIds WHERE x IN inScope],
    restrictedIds: [x IN a.restrictedIds WHERE x IN inScope]
  }}) AS rows
}
RETURN o IS NOT NULL AS managed, rows
