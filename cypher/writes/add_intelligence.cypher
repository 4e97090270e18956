// addIntelligence: a graded piece of intelligence about the offender, recorded today.
// include: offender_writer
CALL (o, status) {
  WITH * WHERE status = 'OK'
  CREATE (i:Intelligence)
  SET i = $intelligence, i.recordedOn = $today
  CREATE (i)-[:ABOUT {from: $today, agency: $agency, classification: $classification}]->(o)
}
RETURN status
