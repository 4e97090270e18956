// Deletes audit records already archived (by id, and only if still older than the cutoff).
UNWIND $ids AS id
MATCH (a:AuditRecord {id: id})
WHERE a.at < $cutoff
DETACH DELETE a
RETURN count(*) AS deleted
