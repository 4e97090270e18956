// addMark: a new distinguishing mark the offender bears from $from.
// include: offender_writer
CALL (o, status) {
  WITH * WHERE status = 'OK'
  CREATE (m:Mark)
  SET m = $mark
  CREATE (o)-[:HAS_MARK {from: $from, agency: $agency, classification: $classification}]->(m)
}
RETURN status
