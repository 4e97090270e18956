// markActionDone: the agency that owns a MAPPA action marks it done. Its owner may hold only a
// READ share of the offender (an attending agency): the writer check's READ_ONLY is enough here,
// the action (and its meeting) must be visible to it.
//   status: NOT_FOUND, ACTION_NOT_FOUND, NOT_OWNER, DONE
// include: offender_writer
OPTIONAL MATCH (o)<-[r:REVIEWS]-(m:MappaMeeting)-[ra:AGREED]->(a:Action {id: $actionId})
WHERE $rank[r.classification] <= c AND $rank[ra.classification] <= c
WITH a,
  CASE
    WHEN NOT status IN ['OK', 'READ_ONLY'] THEN status
    WHEN a IS NULL THEN 'ACTION_NOT_FOUND'
    WHEN a.ownerAgency <> $agency THEN 'NOT_OWNER'
    WHEN a.doneOn IS NOT NULL THEN 'DONE'
    ELSE 'OK'
  END AS status
CALL (a, status) {
  WITH * WHERE status = 'OK'
  SET a.doneOn = $on, a.doneBy = $userId
}
RETURN status
