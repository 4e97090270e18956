// Deletes up to $limit idempotency keys created before $before (they have expired).
MATCH (k:IdempotencyKey)
WHERE k.createdAt < $before
WITH k LIMIT $limit
DELETE k
RETURN count(*) AS deleted
