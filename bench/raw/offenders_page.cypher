// offenders(filter: {managingAgency, riskLevels}, first: 50): a page ordered by surname.
// Principal: $agency, $today. Filter: $managingAgency, $riskLevels.
// The root only needs scope (managed by, or shared today with, the principal's agency); the
// page holds scalars only, so no ceiling is needed. The (managingAgency, surname, id) index
// (migration 0013) gives the agency's offenders in page order, so the page stops when full;
// Neo4j's planner would rather seek the (managingAgency, riskLevel) index and sort, hence the
// hint (the API's statement has it too).
MATCH (o:Offender)
USING INDEX o:Offender(managingAgency, surname, id)
WHERE o.managingAgency = $managingAgency AND o.surname IS NOT NULL AND o.id IS NOT NULL
  AND o.riskLevel IN $riskLevels
  AND (o.managingAgency = $agency OR EXISTS {
    MATCH (o)-[s:SHARED_WITH]->(:Agency {code: $agency})
    WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
  })
WITH o ORDER BY o.managingAgency, o.surname, o.id LIMIT 50
RETURN o {.id, .forename, .surname, .dob, .riskLevel, .mappaCategory, .mappaLevel} AS node
