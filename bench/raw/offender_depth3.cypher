// offender(id), depth 3: depth 2, plus the current vehicles of each resident.
// Principal: $agency, $clearance (rank 1-3), $today, $rank (classification -> rank).
MATCH (o:Offender {id: $id})
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
            address: a {.id, .line1, .town, .postcode, .kind,
              residents: COLLECT {
                MATCH (a)<-[rr:RESIDES_AT]-(p:Person)
                WHERE rr.from <= $today AND (rr.to IS NULL OR rr.to >= $today)
                  AND $rank[rr.classification] <= $clearance
                // A resident who is an offender needs its own ceiling; an associate does not.
                WITH rr, p, CASE
                  WHEN NOT p:Offender THEN null
                  WHEN p.managingAgency = $agency THEN $clearance
                  ELSE reduce(best = 0, k IN [(p)-[s:SHARED_WITH]->(:Agency {code: $agency})
                                           WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
                                           | $rank[s.ceiling]]
                              | CASE WHEN k <= best THEN best WHEN k < $clearance THEN k ELSE $clearance END)
                END AS cp
                WITH rr, p, cp WHERE cp IS NULL OR $rank[rr.classification] <= cp
                WITH rr, p, cp ORDER BY rr.from DESC, p.id LIMIT 20
                // The resident's vehicle links are capped by the resident's own ceiling.
                WITH rr, p, cp, COLLECT {
                  MATCH (p)-[u:USES]->(v:Vehicle)
                  WHERE u.from <= $today AND (u.to IS NULL OR u.to >= $today)
                    AND $rank[u.classification] <= coalesce(cp, $clearance)
                  WITH u, v ORDER BY u.from DESC, v.id LIMIT 20
                  RETURN {role: u.role, vehicle: v {.id, .vrm, .make, .model, .colour}}
                } AS vehicles
                RETURN {from: rr.from, person: CASE WHEN cp IS NULL
                  THEN p {__typename: 'Associate', .id, .forename, .surname, vehicles: vehicles}
                  ELSE p {__typename: 'Offender', .id, .forename, .surname, .riskLevel,
                          vehicles: vehicles} END}
              }}}
  }
} AS result
