// offender(id), depth 2: depth 1, plus the current residents of each current address.
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
                RETURN {from: rr.from, person: CASE WHEN cp IS NULL
                  THEN p {__typename: 'Associate', .id, .forename, .surname}
                  ELSE p {__typename: 'Offender', .id, .forename, .surname, .riskLevel} END}
              }}}
  }
} AS result
