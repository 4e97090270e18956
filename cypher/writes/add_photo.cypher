// A photo depicts the offender or one of its marks ($markId, a link the writer can see). The
// photo is one node per stored image (its SHA-256), so a repeated upload adds no second node.
//   status: writer statuses, MARK_NOT_FOUND
// include: offender_writer
WITH o, status,
  CASE WHEN $markId IS NULL THEN o ELSE head(COLLECT {
    MATCH (o)-[h:HAS_MARK]->(m:Mark {id: $markId}) WHERE $rank[h.classification] <= c RETURN m
  }) END AS target
WITH target,
  CASE
    WHEN status <> 'OK' THEN status
    WHEN target IS NULL THEN 'MARK_NOT_FOUND'
    ELSE 'OK'
  END AS status
CALL (target, status) {
  WITH * WHERE status = 'OK'
  MERGE (p:Photo {sha256: $photo.sha256})
  ON CREATE SET p += $photo
  MERGE (p)-[d:DEPICTS]->(target)
  ON CREATE SET d.from = $from, d.agency = $agency, d.classification = $classification
}
RETURN status, head(COLLECT { MATCH (p:Photo {sha256: $photo.sha256}) RETURN p {
  .id, .sha256, .mediaType, .width, .height, .takenOn } }) AS photo
