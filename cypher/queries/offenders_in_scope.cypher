// The offenders in the principal's scope (docs/design.md §4 rule 1): managed by its agency, or
// shared with it by a share valid today. Callers append their filters and ordering.
CALL () {
  MATCH (o:Offender)
  // `o.id IS NOT NULL` lets the (managingAgency, id) index seek instead of a label scan.
  WHERE o.managingAgency = $agency AND o.id IS NOT NULL
  RETURN o
  UNION
  MATCH (:Agency {code: $agency})<-[s:SHARED_WITH]-(o:Offender)
  WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
  RETURN o
}
