// auditTrail(offenderId) stays an index seek however many records an offender has (issue 12):
// each CONCERNS link carries its record's time and its offender's id, indexed together, so the
// newest page is read in index order instead of walking every record of the offender.
CREATE INDEX concerns_offender_at IF NOT EXISTS FOR ()-[c:CONCERNS]-() ON (c.offenderId, c.at);
MATCH (a:AuditRecord)-[c:CONCERNS]->(o:Offender)
WHERE c.at IS NULL
CALL (a, c, o) {
  SET c.at = a.at, c.offenderId = o.id
} IN TRANSACTIONS OF 10000 ROWS;
// Idempotency keys expire (GRAPH_API_IDEMPOTENCY_HOURS); `graph-api audit archive` deletes
// the expired ones by this index.
CREATE INDEX idempotency_key_created IF NOT EXISTS FOR (n:IdempotencyKey) ON (n.createdAt);
