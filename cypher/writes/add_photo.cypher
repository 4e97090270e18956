// A photo depicts the offender or one of its marks ($markId, a link the writer can see). Each
// upload is its own Photo (its agency, date and classification on its DEPICTS link); uploads of
// the same image share one stored file, named by its SHA-256.
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
  CREATE (p:Photo)
  SET p = $photo
  CREATE (p)-[:DEPICTS {from: $from, agency: $agency, classification: $classification}]->(target)
}
RETURN status, head(COLLECT { MATCH (p:Photo {id: $photo.id}) RETURN p {
  .id, .sha256, .mediaType, .width, .height, .takenOn } }) AS photo
