// shortestPath(fromId, toId, maxHops: 6): a shortest path of visible links from an in-scope
// offender to a person, never passing through an out-of-scope offender (the end may be one,
// reached by an association from an in-scope offender).
// Principal: $agency, $clearance (rank), $today, $rank. Ends: $from, $to.
MATCH (a:Offender {id: $from})
WHERE a.managingAgency = $agency OR EXISTS {
  MATCH (a)-[s1:SHARED_WITH]->(:Agency {code: $agency})
  WHERE s1.from <= $today AND (s1.to IS NULL OR s1.to >= $today)
}
MATCH (b:Person {id: $to}) WHERE b <> a
MATCH path = SHORTEST 1 (a)((near)-[l:RESIDES_AT|ASSOCIATED_WITH|USES|HAS_MARK]-(far)
  WHERE $rank[l.classification] <= $clearance
    AND (NOT near:Offender OR near.managingAgency = $agency OR EXISTS {
      MATCH (near)-[s2:SHARED_WITH]->(:Agency {code: $agency})
      WHERE s2.from <= $today AND (s2.to IS NULL OR s2.to >= $today)
        AND $rank[l.classification] <= $rank[s2.ceiling]
    })
    AND (NOT far:Offender OR far.managingAgency = $agency
      OR EXISTS {
        MATCH (far)-[s3:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s3.from <= $today AND (s3.to IS NULL OR s3.to >= $today)
          AND $rank[l.classification] <= $rank[s3.ceiling]
      }
      OR (far.id = $to AND type(l) = 'ASSOCIATED_WITH' AND near:Offender AND NOT EXISTS {
        MATCH (far)-[s4:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s4.from <= $today AND (s4.to IS NULL OR s4.to >= $today)
      }))
){1,6}(b)
RETURN {
  length: length(path),
  nodes: [n IN nodes(path) |
    CASE
      WHEN n:Offender AND (n.managingAgency = $agency OR EXISTS {
        MATCH (n)-[s5:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s5.from <= $today AND (s5.to IS NULL OR s5.to >= $today)
      }) THEN n {__typename: 'Offender', .id, .surname, .riskLevel}
      WHEN n:Offender THEN n {__typename: 'RestrictedNominal', .id}
      WHEN n:Associate THEN n {__typename: 'Associate', .id, .surname}
      WHEN n:Address THEN n {__typename: 'Address', .id, .postcode}
      WHEN n:Vehicle THEN n {__typename: 'Vehicle', .id, .vrm}
      WHEN n:Mark THEN n {__typename: 'Mark', .id, .type}
    END],
  edges: [l IN relationships(path) | {source: startNode(l).id, target: endNode(l).id, type: type(l)}]
} AS result
