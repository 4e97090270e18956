// addConviction: a conviction of the offender (issue 14), a fact from the day of conviction.
// include: offender_writer
CALL (o, status) {
  WITH * WHERE status = 'OK'
  CREATE (n:Conviction)
  SET n = $record
  CREATE (o)-[:CONVICTED_OF {from: $since, to: $until, agency: $agency,
                             classification: $classification}]->(n)
}
RETURN status
