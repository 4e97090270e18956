// recordCustody: a prison episode, a fact from reception until the actual release.
// include: offender_writer
CALL (o, status) {
  WITH * WHERE status = 'OK'
  CREATE (n:Custody)
  SET n = $record
  CREATE (o)-[:HELD_IN {from: $since, to: $until, agency: $agency,
                        classification: $classification}]->(n)
}
RETURN status
