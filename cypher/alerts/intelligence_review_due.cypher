// INTELLIGENCE_REVIEW_DUE: intelligence about an offender the agency manages is due for review
// (`reviewOn`) within the window.
MATCH (o:Offender {managingAgency: $agency})<-[r:ABOUT]-(i:Intelligence)
WHERE $since <= i.reviewOn <= $horizon
RETURN o, i.id AS subjectId, i.reviewOn AS dueOn, r.classification AS classification
