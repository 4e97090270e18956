// shareOffender: the managing agency shares the offender with another agency from today, up to
// a ceiling, to read or to contribute. Terms already current for that agency end yesterday
// (replaced by these), so the shares keep their history.
//   status: writer statuses, NOT_MANAGING, OWN_AGENCY, AGENCY_NOT_FOUND
// include: offender_writer
WITH o, managed, status, head(COLLECT { MATCH (a:Agency {code: $target}) RETURN a }) AS target
WITH o, target,
  CASE
    WHEN status <> 'OK' THEN status
    WHEN NOT managed THEN 'NOT_MANAGING'
    WHEN $target = $agency THEN 'OWN_AGENCY'
    WHEN target IS NULL THEN 'AGENCY_NOT_FOUND'
    ELSE 'OK'
  END AS status
CALL (o, target, status) {
  WITH * WHERE status = 'OK'
  CALL (o, target) {
    MATCH (o)-[s:SHARED_WITH]->(target)
    WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
    SET s.to = $today - duration('P1D')
  }
  CREATE (o)-[:SHARED_WITH {from: $today, to: $until, ceiling: $ceiling, mode: $mode,
                            justification: $justification, grantedBy: $userId}]->(target)
}
RETURN status
