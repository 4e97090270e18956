// ACTION_DUE: a MAPPA action the agency owns, not done, falls due within the window (or fell
// due in it and is overdue); told to the owning agency, which sees the offender through the
// meeting's share (the policy of the moment decides, as for every alert).
MATCH (o:Offender)<-[r:REVIEWS]-(:MappaMeeting)-[ra:AGREED]->(n:Action {ownerAgency: $agency})
WHERE n.doneOn IS NULL AND $since <= n.dueOn <= $horizon
RETURN o, n.id AS subjectId, n.dueOn AS dueOn, ra.classification AS classification
