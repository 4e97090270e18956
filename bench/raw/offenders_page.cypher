// offenders(filter: {managingAgency, riskLevels}, first: 50): a page ordered by surname.
// Principal: $agency, $today. Filter: $managingAgency, $riskLevels.
// The root only needs scope (managed by, or shared today with, the principal's agency); the
// page holds scalars only, so no ceiling is needed. The (managingAgency, riskLevel) index
// (migration 0012) seeks the agency's offenders at those levels together.
MATCH (o:Offender)
WHERE o.managingAgency = $managingAgency AND o.riskLevel IN $riskLevels
  AND (o.managingAgency = $agency OR EXISTS {
    MATCH (o)-[s:SHARED_WITH]->(:Agency {code: $agency})
    WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
  })
WITH o ORDER BY o.surname, o.id LIMIT 50
RETURN o {.id, .forename, .surname, .dob, .riskLevel, .mappaCategory, .mappaLevel} AS node
