// recordVehicleUse: the offender keeps, drives or travels in a vehicle: an existing one by
// $vehicleId (visible to the writer), one with the same plate that the writer can already see,
// or a new one. A vehicle only another agency can see is never matched (docs/design.md §4 rule 3).
//   status: writer statuses, VEHICLE_NOT_FOUND
// include: offender_writer
WITH o, status,
  CASE WHEN $vehicleId IS NULL THEN null ELSE head(COLLECT {
    MATCH (known:Vehicle {id: $vehicleId}) WHERE
// include: known_visible
    RETURN known }) END AS known,
  CASE WHEN $vehicle IS NULL THEN null ELSE head(COLLECT {
    MATCH (known:Vehicle {vrm: $vehicle.vrm}) WHERE
// include: known_visible
    RETURN known ORDER BY known.id LIMIT 1 }) END AS same
WITH o, known, same,
  CASE
    WHEN status <> 'OK' THEN status
    WHEN $vehicleId IS NOT NULL AND known IS NULL THEN 'VEHICLE_NOT_FOUND'
    ELSE 'OK'
  END AS status
WITH o, status, coalesce(known.id, same.id, $newVehicleId) AS vehicleId
CALL (o, status, vehicleId) {
  WITH * WHERE status = 'OK'
  MERGE (v:Vehicle {id: vehicleId})
  ON CREATE SET v += $vehicle, v.id = vehicleId
  CREATE (o)-[:USES {role: $role, from: $from, to: $to, agency: $agency,
                     classification: $classification}]->(v)
}
RETURN status, vehicleId
