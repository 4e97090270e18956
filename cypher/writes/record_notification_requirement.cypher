// recordNotificationRequirement: a sex offender's notification requirement (Sexual Offences
// Act 2003, Part 2), a fact from its start until its end (null: indefinite).
// include: offender_writer
CALL (o, status) {
  WITH * WHERE status = 'OK'
  CREATE (n:NotificationRequirement)
  SET n = $record
  CREATE (o)-[:MUST_NOTIFY {from: $since, to: $until, agency: $agency,
                            classification: $classification}]->(n)
}
RETURN status
