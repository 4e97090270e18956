// Claims an idempotency key for one root field of a request, or finds what its first try
// answered. A committed key always holds its response (claim and answer share one
// transaction), so a null response means this transaction made the claim. A concurrent retry
// waits here on the unique scope until the first try commits or rolls back. A key older than
// $lifetimeHours has expired: it is claimed afresh, as if new.
MERGE (k:IdempotencyKey {scope: $scope})
ON CREATE SET k.fingerprint = $fingerprint, k.userId = $userId, k.agency = $agency,
  k.createdAt = datetime()
ON MATCH SET k.response = CASE WHEN k.createdAt < datetime() - duration({hours: $lifetimeHours})
    THEN null ELSE k.response END,
  k.fingerprint = CASE WHEN k.createdAt < datetime() - duration({hours: $lifetimeHours})
    THEN $fingerprint ELSE k.fingerprint END,
  k.createdAt = CASE WHEN k.createdAt < datetime() - duration({hours: $lifetimeHours})
    THEN datetime() ELSE k.createdAt END
RETURN k.fingerprint AS fingerprint, k.response AS response
