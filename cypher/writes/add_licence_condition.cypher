// addLicenceCondition: a licence or order condition, a fact from when it applies until its end.
// include: offender_writer
CALL (o, status) {
  WITH * WHERE status = 'OK'
  CREATE (n:LicenceCondition)
  SET n = $record
  CREATE (o)-[:SUBJECT_TO {from: $since, to: $until, agency: $agency,
                           classification: $classification}]->(n)
}
RETURN status
