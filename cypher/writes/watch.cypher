// watch / unwatch: a user's own watch list (issue 15). Only an offender in the user's agency's
// scope today may be watched; any change to a watched offender is an alert for that user.
//   status: OK, NOT_FOUND (unknown or out of scope: as if absent)
OPTIONAL MATCH (o:Offender {id: $offenderId})
WITH o,
  CASE
    WHEN o IS NULL THEN 'NOT_FOUND'
    WHEN o.managingAgency = $agency OR EXISTS {
      MATCH (o)-[s:SHARED_WITH]->(:Agency {code: $agency})
      WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
    } THEN 'OK'
    ELSE 'NOT_FOUND'
  END AS status
CALL (status) {
  WITH * WHERE status = 'OK' AND $watch
  MERGE (w:Watch {userId: $userId, offenderId: $offenderId})
  ON CREATE SET w.agency = $agency, w.since = datetime()
}
CALL (status) {
  WITH * WHERE status = 'OK' AND NOT $watch
  MATCH (w:Watch {userId: $userId, offenderId: $offenderId})
  DELETE w
}
RETURN status
