// RISK_REVIEW_DUE: the latest risk assessment of an offender the agency manages is due for
// review (`nextReviewOn`) within the window.
MATCH (o:Offender {managingAgency: $agency})-[r:ASSESSED]->(ra:RiskAssessment)
WHERE $since <= ra.nextReviewOn <= $horizon
  AND NOT EXISTS { MATCH (o)-[:ASSESSED]->(later:RiskAssessment) WHERE later.assessedOn > ra.assessedOn }
RETURN o, ra.id AS subjectId, ra.nextReviewOn AS dueOn, r.classification AS classification
