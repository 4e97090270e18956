// Number the committed change events that have no number yet (issue 15), oldest first, after
// the last number given: the order subscribers receive them in and resume from (`seq`). Any API
// process may run it; the sequence's lock makes one do so at a time, and an event numbered once
// is never numbered again. The events of one offender are written one at a time (its lock),
// each after the one before committed, so they are numbered in the order they were made.
MERGE (s:EventSequence {name: 'changes'})
SET s.lock = true
REMOVE s.lock
WITH s, coalesce(s.last, 0) AS base
CALL (base) {
  MATCH (e:Unsequenced)
  WITH e ORDER BY e.at, elementId(e) LIMIT 1000
  WITH collect(e) AS pending
  UNWIND range(0, size(pending) - 1) AS i
  WITH pending[i] AS e, i
  SET e.seq = base + i + 1
  REMOVE e:Unsequenced
  RETURN count(*) AS numbered
}
SET s.last = base + numbered
RETURN s.last AS last
