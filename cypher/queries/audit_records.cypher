// Audit records, one per request that consulted or changed offender data, written together
// (group commit), each linked to every offender it disclosed (in full or as a restricted stub)
// so auditTrail(offenderId) is an index walk.
UNWIND $records AS r
CREATE (a:AuditRecord {
  id: r.id, at: datetime(), requestId: r.requestId, correlationId: r.correlationId, userId: r.userId, agency: r.agency,
  roles: r.roles, purpose: r.purpose, operation: r.operation, documentHash: r.documentHash,
  fields: r.fields, offenderIds: r.offenderIds, restrictedIds: r.restrictedIds, changes: r.changes
})
WITH a, r
CALL (a, r) {
  UNWIND r.offenderIds AS offenderId
  MATCH (o:Offender {id: offenderId})
  CREATE (a)-[:CONCERNS {disclosure: 'FULL'}]->(o)
}
CALL (a, r) {
  UNWIND r.restrictedIds AS offenderId
  MATCH (o:Offender {id: offenderId})
  CREATE (a)-[:CONCERNS {disclosure: 'RESTRICTED'}]->(o)
}
RETURN count(a) AS written
