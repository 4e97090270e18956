// The audit records that concern an offender managed by the principal's agency, newest first,
// between $since and $until, after the keyset ($afterAt, $afterId) when given. `managed` is
// false when the offender is unknown or managed elsewhere (the caller answers FORBIDDEN).
// A record names only the offenders the reader's agency has in scope (docs/design.md §4 rule 7:
// the same request may have read others, and their ids are not the reader's to know).
// The page is read in order from the index on CONCERNS (offenderId, at) (migration 0007), so
// it costs the same for an offender with ten records or half a million. Ordering by both
// indexed properties (the first is fixed) is what lets the planner use the index's order.
OPTIONAL MATCH (o:Offender {id: $offenderId})
WHERE o.managingAgency = $agency
CALL (o) {
  WITH o WHERE o IS NOT NULL
  MATCH (a:AuditRecord)-[c:CONCERNS]->()
  USING INDEX c:CONCERNS(offenderId, at)
  WHERE c.offenderId = $offenderId
    AND c.at >= coalesce($since, datetime({epochSeconds: 0}))
    AND c.at <= coalesce($afterAt, $until, datetime('9999-12-31T00:00:00Z'))
    AND ($until IS NULL OR c.at < $until)
    AND ($afterAt IS NULL OR c.at < $afterAt OR (c.at = $afterAt AND a.id < $afterId))
  WITH a, c ORDER BY c.offenderId DESC, c.at DESC, a.id DESC LIMIT $limit
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
