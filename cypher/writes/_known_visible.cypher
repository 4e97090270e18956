// `known` (an address, vehicle or associate named by id) is visible to the writer: it has a
// fact link to an offender in the writer's scope, classified within the writer's ceiling.
EXISTS {
  MATCH (known)-[r:RESIDES_AT|USES|ASSOCIATED_WITH]-(x:Offender)
  WHERE $rank[r.classification] <= $clearance
    AND (x.managingAgency = $agency OR EXISTS {
      MATCH (x)-[s:SHARED_WITH]->(:Agency {code: $agency})
      WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
        AND $rank[r.classification] <= $rank[s.ceiling]
    })
}
