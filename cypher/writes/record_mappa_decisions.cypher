// recordMappaDecisions: the chair adds decisions to a meeting about the offender and the
// actions it agreed (each owned by the chair or an attending agency, due on or after the
// meeting, classified as the meeting is).
//   status: writer statuses, NOT_MANAGING, MEETING_NOT_FOUND, DUE_BEFORE_MEETING_<i>,
//           NOT_ATTENDING_<i> (the first action at fault)
// include: offender_writer
OPTIONAL MATCH (m:MappaMeeting {id: $meetingId})-[r:REVIEWS]->(o)
WHERE $rank[r.classification] <= c
WITH managed, status, m, r,
  [i IN range(0, size($actions) - 1)
    WHERE m IS NOT NULL AND $actions[i].dueOn < m.heldOn | i] AS early,
  [i IN range(0, size($actions) - 1)
    WHERE m IS NOT NULL AND NOT $actions[i].ownerAgency IN [m.chairAgency] + m.attendingAgencies
    | i] AS absent
WITH m, r,
  CASE
    WHEN status <> 'OK' THEN status
    WHEN NOT managed THEN 'NOT_MANAGING'
    WHEN m IS NULL THEN 'MEETING_NOT_FOUND'
    WHEN size(early) > 0 THEN 'DUE_BEFORE_MEETING_' + toString(early[0])
    WHEN size(absent) > 0 THEN 'NOT_ATTENDING_' + toString(absent[0])
    ELSE 'OK'
  END AS status
CALL (m, r, status) {
  WITH * WHERE status = 'OK'
  SET m.decisions = coalesce(m.decisions, []) + $decisions
  WITH m, r
  UNWIND $actions AS action
  CREATE (a:Action)
  SET a = action
  CREATE (m)-[:AGREED {from: $today, agency: $agency, classification: r.classification}]->(a)
}
RETURN status
