// scheduleMappaMeeting: the managing agency's MAPPA_COORDINATOR schedules a meeting about the
// offender; each attending agency gets a READ share from today until $meeting.shareUntil at
// $meeting.shareCeiling (docs/design.md §4 rule 11), naming the meeting. Shares it already holds
// stay as they are: the best current share sets its ceiling.
//   status: writer statuses, NOT_MANAGING, UNKNOWN_AGENCY_<code> (the first unknown code)
// include: offender_writer
WITH o, managed, status,
  [code IN $attending WHERE NOT EXISTS { MATCH (:Agency {code: code}) }] AS unknown
WITH o,
  CASE
    WHEN status <> 'OK' THEN status
    WHEN NOT managed THEN 'NOT_MANAGING'
    WHEN size(unknown) > 0 THEN 'UNKNOWN_AGENCY_' + unknown[0]
    ELSE 'OK'
  END AS status
CALL (o, status) {
  WITH * WHERE status = 'OK'
  CREATE (m:MappaMeeting)
  SET m = $meeting, m.level = coalesce($meeting.level, o.mappaLevel)
  CREATE (m)-[:REVIEWS {from: $meeting.heldOn, agency: $agency,
                        classification: $classification}]->(o)
  WITH o, m
  UNWIND $attending AS code
  MATCH (g:Agency {code: code})
  CREATE (o)-[:SHARED_WITH {from: $today, to: $meeting.shareUntil, ceiling: $meeting.shareCeiling,
                            mode: 'READ', justification: 'MAPPA meeting (rule 11)',
                            grantedBy: $userId, meeting: m.id}]->(g)
}
RETURN status
