// createOffender: a new offender managed by the writer's agency from today.
//   status: OK, PNC_TAKEN (the PNC id is already on the register)
OPTIONAL MATCH (taken:Offender {pncId: $offender.pncId})
WITH count(taken) > 0 AS duplicate
CALL (duplicate) {
  WITH * WHERE NOT duplicate
  MATCH (a:Agency {code: $agency})
  CREATE (o:Person:Offender)
  SET o = $offender, o.managingAgency = $agency, o.version = 1
  CREATE (o)-[:MANAGED_BY {from: $today}]->(a)
}
RETURN CASE WHEN duplicate THEN 'PNC_TAKEN' ELSE 'OK' END AS status
