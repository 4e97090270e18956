// NOTIFICATION_DUE: a registered sex offender the agency manages is due to notify the police
// (`nextDueOn` of a current notification requirement) within the window, or was due in it.
MATCH (o:Offender {managingAgency: $agency})-[r:MUST_NOTIFY]->(n:NotificationRequirement)
WHERE (r.to IS NULL OR r.to >= $today) AND $since <= n.nextDueOn <= $horizon
RETURN o, n.id AS subjectId, n.nextDueOn AS dueOn, r.classification AS classification
