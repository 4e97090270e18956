// Change events (issue 15, docs/design.md §11): every write records one `ChangeEvent` in its own
// transaction (an outbox). `seq` is the global order and the cursor subscribers resume from; each
// replica tails the events by it. Events are numbered after they commit, by one `EventSequence`
// node (`cypher/queries/sequence_events.cypher`); until then they carry the label `Unsequenced`.
CREATE CONSTRAINT change_event_seq IF NOT EXISTS FOR (n:ChangeEvent) REQUIRE n.seq IS UNIQUE;
CREATE INDEX change_event_offender IF NOT EXISTS FOR (n:ChangeEvent) ON (n.offenderId, n.seq);
CREATE INDEX change_event_at IF NOT EXISTS FOR (n:ChangeEvent) ON (n.at);
CREATE CONSTRAINT event_sequence_name IF NOT EXISTS FOR (n:EventSequence) REQUIRE n.name IS UNIQUE;
// A user's watch list (`watch(offenderId)`), and which alerts a user has read.
CREATE CONSTRAINT watch_key IF NOT EXISTS FOR (n:Watch) REQUIRE (n.userId, n.offenderId) IS UNIQUE;
CREATE CONSTRAINT alert_read_key IF NOT EXISTS FOR (n:AlertRead) REQUIRE (n.userId, n.alertId) IS UNIQUE;
