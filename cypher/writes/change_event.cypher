// The change event of a write (issue 15), in the write's own transaction: no change without
// its event, no event without its change. It is numbered after the commit, by whichever API
// process tails the events first (`cypher/queries/sequence_events.cypher`): numbering it here
// would make every write wait for the one before it to commit.
// The event names the offender, what changed and the writing agency; who may receive it is
// decided when it is delivered (docs/design.md §4 rule 10), never here.
// `at` is this statement's time, not the transaction's: it runs after the write took the
// offender's lock, so of two writes to one offender the later to commit has the later `at`
// (the order `sequence_events` numbers them in), whichever transaction began first.
CREATE (e:ChangeEvent:Unsequenced {
  at: datetime.statement(), kind: $event.kind, offenderId: $event.offenderId,
  agency: $event.agency, userId: $event.userId, ids: $event.ids,
  classification: $event.classification, requesterAgency: $event.requesterAgency
})
