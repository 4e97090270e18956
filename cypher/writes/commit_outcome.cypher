// Settles whether a write whose COMMIT answer was lost committed, by its own audit record
// (written in the write's transaction under an id chosen before it ran). The unique audit-id
// index makes this MERGE wait while that transaction is still open on the server; then either
// the record exists (it committed) or this statement creates a fence record under that id,
// after which the lost transaction can never commit. A fence concerns no offender, so no
// auditTrail shows it; it says which request's write it settled.
MERGE (a:AuditRecord {id: $auditId})
ON CREATE SET a:CommitFence, a.at = datetime(), a.requestId = $requestId, a.fence = true
RETURN a.fence IS NULL AS committed
