// Add an agency, or change the name and region of one (ADMIN only; checked by the caller).
// `status`: CREATED, UPDATED, EXISTS (create of a code taken) or NOT_FOUND (update of none).
OPTIONAL MATCH (existing:Agency {code: $code})
WITH existing
CALL (existing) {
  WITH existing WHERE existing IS NULL AND $create
  CREATE (a:Agency {id: $id, code: $code, name: $name, kind: $kind, region: $region})
  RETURN a, 'CREATED' AS status
  UNION
  WITH existing WHERE existing IS NOT NULL AND NOT $create
  SET existing.name = coalesce($name, existing.name), existing.region = coalesce($region, existing.region)
  RETURN existing AS a, 'UPDATED' AS status
  UNION
  WITH existing WHERE (existing IS NULL) = (NOT $create)
  RETURN null AS a, CASE WHEN $create THEN 'EXISTS' ELSE 'NOT_FOUND' END AS status
}
RETURN status, a {.id, .code, .name, .kind, .region, .publicProtectionContact} AS agency
