// Claims an idempotency key for one root field of a request, or finds what its first try
// answered. A committed key always holds its response (claim and answer share one
// transaction), so a null response means this transaction made the claim. A concurrent retry
// waits here on the unique scope until the first try commits or rolls back.
MERGE (k:IdempotencyKey {scope: $scope})
ON CREATE SET k.fingerprint = $fingerprint, k.userId = $userId, k.agency = $agency,
  k.createdAt = datetime()
RETURN k.fingerprint AS fingerprint, k.response AS response
