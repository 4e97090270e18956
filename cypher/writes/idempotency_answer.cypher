// Stores the answer of a claimed idempotency key, in the transaction of the change itself.
MATCH (k:IdempotencyKey {scope: $scope})
SET k.response = $response, k.field = $field, k.offenderId = $offenderId
