// One audit record per request that consulted or changed offender data, linked to each offender
// it disclosed (in full or as a restricted stub) so auditTrail(offenderId) is an index walk.
CREATE (a:AuditRecord {
  id: $id, at: datetime(), requestId: $requestId, userId: $userId, agency: $agency,
  roles: $roles, purpose: $purpose, operation: $operation, documentHash: $documentHash,
  fields: $fields, offenderIds: $offenderIds, restrictedIds: $restrictedIds, changes: $changes
})
WITH a
CALL (a) {
  UNWIND $offenderIds AS offenderId
  MATCH (o:Offender {id: offenderId})
  CREATE (a)-[:CONCERNS {disclosure: 'FULL'}]->(o)
}
CALL (a) {
  UNWIND $restrictedIds AS offenderId
  MATCH (o:Offender {id: offenderId})
  CREATE (a)-[:CONCERNS {disclosure: 'RESTRICTED'}]->(o)
}
RETURN a.id AS id
