// offender(id), depth 1: the offender's scalars, managing agency and current addresses.
// Principal: $agency, $clearance (rank 1-3), $today, $rank (classification -> rank).
MATCH (o:Offender {id: $id})
// The principal's ceiling for this offender, once: its clearance when its agency manages the
// offender, else the best share valid today capped by the clearance, else 0 (out of scope).
WITH o, CASE
  WHEN o.managingAgency = $agency THEN $clearance
  ELSE reduce(best = 0, k IN [(o)-[s:SHARED_WITH]->(:Agency {code: $agency})
                           WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
                           | $rank[s.ceiling]]
              | CASE WHEN k <= best THEN best WHEN k < $clearance THEN k ELSE $clearance END)
END AS c
WHERE c > 0
MATCH (g:Agency {code: o.managingAgency})
RETURN o {
  .id, .forename, .surname, .dob, .gender, .pncId, .nominalType, .mappaCategory, .mappaLevel,
  .riskLevel,
  managingAgency: g {.code, .name},
  addresses: COLLECT {
    MATCH (o)-[r:RESIDES_AT]->(a:Address)
    WHERE r.from <= $today AND (r.to IS NULL OR r.to >= $today) AND $rank[r.classification] <= c
    WITH r, a ORDER BY r.from DESC, a.id LIMIT 20
    RETURN {from: r.from, main: r.main, classification: r.classification,
            address: a {.id, .line1, .town, .postcode, .kind}}
  }
} AS result
