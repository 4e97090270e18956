// Audit records, one per request that consulted or changed offender data, written together
// (group commit). Each record is a map of id, requestId, correlationId, userId, agency, roles,
// purpose, operation, documentHash, fields, offenderIds, restrictedIds and changes.
UNWIND $records AS r
// include: audit_record
RETURN count(a) AS written
