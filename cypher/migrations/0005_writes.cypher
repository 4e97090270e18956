// Idempotency keys of the write API (docs/data-model.md): one node per user, key and root field;
// the unique scope makes two concurrent retries of one request serialise on the index entry.
CREATE CONSTRAINT idempotency_key_scope IF NOT EXISTS FOR (n:IdempotencyKey) REQUIRE n.scope IS UNIQUE;
