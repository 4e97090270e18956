// The offenders a photo upload may be recorded against: $offenderId itself, or the bearers of
// the mark $markId, when the writer's agency manages them or holds a CONTRIBUTE share valid
// today; managed ones first. Run before the image is decoded, so an upload the writer may not
// make costs no decoding (the write statement checks the writer again, in its transaction).
CALL () {
  MATCH (o:Offender {id: $offenderId}) RETURN o
  UNION
  MATCH (:Mark {id: $markId})<-[:HAS_MARK]-(o:Offender) RETURN o
}
WITH o WHERE o.managingAgency = $agency OR EXISTS {
  MATCH (o)-[s:SHARED_WITH {mode: 'CONTRIBUTE'}]->(:Agency {code: $agency})
  WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
}
RETURN o.id AS id ORDER BY o.managingAgency = $agency DESC, o.id
