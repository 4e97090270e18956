// The offenders bearing a mark that are in the writer's scope, managed ones first: a photo of
// the mark is written as a change to one of them.
MATCH (m:Mark {id: $markId})<-[:HAS_MARK]-(o:Offender)
WHERE o.managingAgency = $agency OR EXISTS {
  MATCH (o)-[s:SHARED_WITH {mode: 'CONTRIBUTE'}]->(:Agency {code: $agency})
  WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
}
RETURN o.id AS id ORDER BY o.managingAgency = $agency DESC, o.id
