// offenders(filter: {managingAgency, riskLevels}, first: 50): a page ordered by surname.
// Principal: $agency, $today. Filter: $managingAgency, $riskLevels.
// The root only needs scope (managed by, or shared today with, the principal's agency); the
// page holds scalars only, so no ceiling is needed. `o.id IS NOT NULL` lets the planner use the
// (managingAgency, id) index (a composite index needs a predicate on every property); without
// it the risk-level index is used and 3x as many offenders are read.
MATCH (o:Offender)
WHERE o.managingAgency = $managingAgency AND o.id IS NOT NULL AND o.riskLevel IN $riskLevels
  AND (o.managingAgency = $agency OR EXISTS {
    MATCH (o)-[s:SHARED_WITH]->(:Agency {code: $agency})
    WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
  })
WITH o ORDER BY o.surname, o.id LIMIT 50
RETURN o {.id, .forename, .surname, .dob, .riskLevel, .mappaCategory, .mappaLevel} AS node
