// One audit record `r` (a map: see audit_records.cypher) written as the node `a`, linked to every
// offender it disclosed, in full or as a restricted stub, so auditTrail(offenderId) is an index
// walk; the link carries the record's time and the offender's id for the index
// `concerns_offender_at` (migration 0007). Shared by the group commit and by a read that writes
// its own record (graph_api/audit.py); it keeps every variable of the row in scope.
CREATE (a:AuditRecord {
  id: r.id, at: datetime(), requestId: r.requestId, correlationId: r.correlationId, userId: r.userId, agency: r.agency,
  roles: r.roles, purpose: r.purpose, operation: r.operation, documentHash: r.documentHash,
  fields: r.fields, offenderIds: r.offenderIds, restrictedIds: r.restrictedIds, changes: r.changes
})
WITH *
CALL (a, r) {
  UNWIND r.offenderIds AS offenderId
  MATCH (o:Offender {id: offenderId})
  CREATE (a)-[:CONCERNS {disclosure: 'FULL', at: a.at, offenderId: offenderId}]->(o)
}
CALL (a, r) {
  UNWIND r.restrictedIds AS offenderId
  MATCH (o:Offender {id: offenderId})
  CREATE (a)-[:CONCERNS {disclosure: 'RESTRICTED', at: a.at, offenderId: offenderId}]->(o)
}
