// transferManagement: another agency manages the offender from today.
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
  CALL (o) {
    MATCH (o)-[m:MANAGED_BY]->() WHERE m.to IS NULL
    SET m.to = $today
  }
  CREATE (o)-[:MANAGED_BY {from: $today}]->(target)
  SET o.managingAgency = $target
}
RETURN status
