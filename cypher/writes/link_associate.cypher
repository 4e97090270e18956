// linkAssociate: an association with an existing person ($personId: an associate visible to
// the writer, or an offender in the writer's scope, or any offender for NATIONAL_SEARCH) or
// with a new associate created here ($associate).
//   status: writer statuses, PERSON_NOT_FOUND
// include: offender_writer
WITH o, status,
  CASE WHEN $personId IS NULL THEN null ELSE head(COLLECT {
    MATCH (known:Person {id: $personId})
    WHERE (known:Offender AND ($national OR known.managingAgency = $agency OR EXISTS {
        MATCH (known)-[s:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today) }))
      OR (known:Associate AND
// include: known_visible
      )
    RETURN known }) END AS known
WITH o, known,
  CASE
    WHEN status <> 'OK' THEN status
    WHEN $personId IS NOT NULL AND known IS NULL THEN 'PERSON_NOT_FOUND'
    ELSE 'OK'
  END AS status
CALL (o, known, status) {
  WITH * WHERE status = 'OK'
  CALL (known) {
    WITH * WHERE known IS NULL
    CREATE (created:Person:Associate)
    SET created = $associate
  }
  MATCH (p:Person {id: coalesce(known.id, $associate.id)})
  CREATE (o)-[:ASSOCIATED_WITH {type: $type, from: $from, to: $to, agency: $agency,
                                classification: $classification}]->(p)
}
RETURN status, coalesce(known.id, $associate.id) AS personId
