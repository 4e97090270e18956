// What falls due for the offenders the principal's agency manages (issue 14, item 4): the
// current risk assessment's review, the next notification of a current requirement, the end of
// a licence condition, an expected release from custody, and MAPPA actions not yet done; each
// only from a fact the principal may see (managed: its clearance). One row per item, before the
// planner's window, kinds, keyset and projection.
MATCH (o:Offender {managingAgency: $agency})
CALL (o) {
  MATCH (o)-[r:ASSESSED]->(n:RiskAssessment)
  WHERE r.to IS NULL AND n.nextReviewOn IS NOT NULL AND $rank[r.classification] <= $clearance
  RETURN 'RISK_REVIEW' AS kind, n.nextReviewOn AS dueOn, n.id AS subjectId,
    n.tool + ' risk review (last ' + n.level + ')' AS summary, r.classification AS classification
  UNION ALL
  MATCH (o)-[r:MUST_NOTIFY]->(n:NotificationRequirement)
  WHERE (r.to IS NULL OR r.to >= $today) AND n.nextDueOn IS NOT NULL
    AND $rank[r.classification] <= $clearance
  RETURN 'NOTIFICATION' AS kind, n.nextDueOn AS dueOn, n.id AS subjectId,
    'Notification due at ' + coalesce(n.notifiedAt, 'a police station') AS summary,
    r.classification AS classification
  UNION ALL
  MATCH (o)-[r:SUBJECT_TO]->(n:LicenceCondition)
  WHERE r.to IS NOT NULL AND $rank[r.classification] <= $clearance
  RETURN 'LICENCE_END' AS kind, r.to AS dueOn, n.id AS subjectId,
    'Licence condition ends (' + n.kind + ')' AS summary, r.classification AS classification
  UNION ALL
  MATCH (o)-[r:HELD_IN]->(n:Custody)
  WHERE n.releasedOn IS NULL AND n.releaseOn IS NOT NULL AND $rank[r.classification] <= $clearance
  RETURN 'RELEASE' AS kind, n.releaseOn AS dueOn, n.id AS subjectId,
    'Expected release from ' + n.establishment AS summary, r.classification AS classification
  UNION ALL
  MATCH (o)<-[r:REVIEWS]-(:MappaMeeting)-[ra:AGREED]->(n:Action)
  WHERE n.doneOn IS NULL AND $rank[r.classification] <= $clearance
    AND $rank[ra.classification] <= $clearance
  RETURN 'ACTION' AS kind, n.dueOn AS dueOn, n.id AS subjectId,
    n.ownerAgency + ': ' + n.text AS summary, ra.classification AS classification
}
WITH o, kind, dueOn, subjectId, summary, classification
WHERE kind IN $kinds
  AND CASE WHEN $overdue THEN dueOn < $today AND kind <> 'LICENCE_END'
      ELSE dueOn >= $windowFrom AND dueOn <= $windowUntil END
