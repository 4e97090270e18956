// SHARE_LAPSING: a share ends within the window: told to the agency that shares the offender
// and to the agency it is shared with (the subject is the receiving agency's code).
CALL () {
  MATCH (o:Offender {managingAgency: $agency})-[s:SHARED_WITH]->(a:Agency)
  WHERE $today <= s.to <= $horizon AND s.from <= $today
  RETURN o, s, a
  UNION
  MATCH (o:Offender)-[s:SHARED_WITH]->(a:Agency {code: $agency})
  WHERE $today <= s.to <= $horizon AND s.from <= $today
  RETURN o, s, a
}
RETURN o, a.code AS subjectId, s.to AS dueOn, 'OFFICIAL' AS classification
