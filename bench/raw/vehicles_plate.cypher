// vehicles(vrm: "AB1? *", first: 20): plates matching a partial pattern, visible through at
// least one visible USES link to an in-scope offender.
// Principal: $agency, $clearance (rank), $today, $rank. Pattern: $prefix (literal start,
// indexed) and $regex (anchored, from `graph_api.ukformats.vrm_pattern_regex`).
MATCH (v:Vehicle)
WHERE v.vrm STARTS WITH $prefix AND v.vrm =~ $regex
  AND EXISTS {
    MATCH (v)<-[u:USES]-(o:Offender)
    WHERE $rank[u.classification] <= $clearance
      AND (o.managingAgency = $agency OR EXISTS {
        MATCH (o)-[s1:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s1.from <= $today AND (s1.to IS NULL OR s1.to >= $today)
          AND $rank[u.classification] <= $rank[s1.ceiling]
      })
  }
WITH v ORDER BY v.vrm, v.id LIMIT 20
RETURN v {.id, .vrm, .make, .model, .colour} AS node
