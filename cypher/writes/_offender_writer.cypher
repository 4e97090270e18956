// The offender to change and whether the writer may change it (docs/design.md §4 rule 6,
// docs/access-policy.md "Writes"). The first write, a property set and removed, takes the
// offender's exclusive lock before anything is read, so concurrent writes to one offender queue
// here: they never lose a `version` bump, and never deadlock upgrading a read lock. A refused
// write is rolled back by its caller.
//   status: OK, NOT_FOUND (unknown or out of scope: as if absent), READ_ONLY (a READ share),
//           ABOVE_CEILING ($classification above every CONTRIBUTE share's ceiling),
//           CONFLICT (`version` moved since $expectedVersion was read)
//   c: the writer's ceiling for the offender's facts (the rank a visible link may have)
OPTIONAL MATCH (o:Offender {id: $offenderId})
SET o.writeLock = true
REMOVE o.writeLock
SET o.version = o.version + 1
WITH o, o IS NOT NULL AND o.managingAgency = $agency AS managed,
  CASE WHEN o IS NULL THEN [] ELSE [(o)-[s:SHARED_WITH]->(:Agency {code: $agency})
    WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today) | s] END AS shares
WITH o, managed, shares,
  [s IN shares WHERE s.mode = 'CONTRIBUTE' | $rank[s.ceiling]] AS contribute
WITH o, managed,
  CASE WHEN managed THEN $clearance
    ELSE reduce(c = 0, s IN shares | CASE WHEN $rank[s.ceiling] > c THEN $rank[s.ceiling] ELSE c END)
  END AS shared,
  CASE
    WHEN o IS NULL OR (NOT managed AND size(shares) = 0) THEN 'NOT_FOUND'
    WHEN NOT managed AND size(contribute) = 0 THEN 'READ_ONLY'
    WHEN NOT managed AND none(k IN contribute WHERE k >= $rank[$classification]) THEN 'ABOVE_CEILING'
    WHEN $expectedVersion IS NOT NULL AND o.version - 1 <> $expectedVersion THEN 'CONFLICT'
    ELSE 'OK'
  END AS status
WITH o, managed, status, CASE WHEN shared < $clearance THEN shared ELSE $clearance END AS c
