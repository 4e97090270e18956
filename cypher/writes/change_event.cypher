// The change event of a write (issue 15), in the write's own transaction: run last, so the lock
// on the sequence is held only from here to the commit, and numbers follow commit order.
// The event names the offender, what changed and the writing agency; who may receive it is
// decided when it is delivered (docs/design.md §4 rule 10), never here.
MERGE (s:EventSequence {name: 'changes'})
SET s.last = coalesce(s.last, 0) + 1
CREATE (e:ChangeEvent {
  seq: s.last, at: datetime(), kind: $event.kind, offenderId: $event.offenderId,
  agency: $event.agency, userId: $event.userId, ids: $event.ids,
  classification: $event.classification, requesterAgency: $event.requesterAgency
})
RETURN e.seq AS seq
