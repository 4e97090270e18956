// shortestPath(fromId, toId, maxHops: 6): a shortest path from an in-scope offender to a
// person over links valid today, visible under one cap K for the whole path
// (docs/access-policy.md, "Paths"): every link at most K, every in-scope offender on it with a
// ceiling of at least K, and an out-of-scope offender only at the end of an association with
// such an offender. One search per K; the shortest wins (on a tie, the higher K).
// Principal: $agency, $clearance (rank), $today, $rank. Ends: $from, $to.
MATCH (a:Offender {id: $from})
WITH a, CASE WHEN a.managingAgency = $agency THEN $clearance ELSE coalesce(head(COLLECT {
  MATCH (a)-[s1:SHARED_WITH]->(:Agency {code: $agency})
  WHERE s1.from <= $today AND (s1.to IS NULL OR s1.to >= $today)
  RETURN CASE WHEN $rank[s1.ceiling] < $clearance THEN $rank[s1.ceiling] ELSE $clearance END AS k
  ORDER BY k DESC LIMIT 1 }), 0) END AS ca
WHERE ca > 0
MATCH (b:Person {id: $to}) WHERE b <> a
UNWIND [k IN [1, 2, 3] WHERE k <= ca] AS cap
CALL (a, b, cap) {
  MATCH path = SHORTEST 1 (a)((near)-[l:RESIDES_AT|ASSOCIATED_WITH|USES|HAS_MARK]-(far)
    WHERE $rank[l.classification] <= cap
      AND l.from <= $today AND (l.to IS NULL OR l.to >= $today)
      AND (
        ((NOT near:Offender OR (cap <= $clearance AND (near.managingAgency = $agency OR EXISTS {
            MATCH (near)-[s2:SHARED_WITH]->(:Agency {code: $agency})
            WHERE s2.from <= $today AND (s2.to IS NULL OR s2.to >= $today)
              AND $rank[s2.ceiling] >= cap })))
         AND (NOT far:Offender OR (cap <= $clearance AND (far.managingAgency = $agency OR EXISTS {
            MATCH (far)-[s3:SHARED_WITH]->(:Agency {code: $agency})
            WHERE s3.from <= $today AND (s3.to IS NULL OR s3.to >= $today)
              AND $rank[s3.ceiling] >= cap }))))
        OR (type(l) = 'ASSOCIATED_WITH' AND near:Offender AND far:Offender
          AND ((far.managingAgency <> $agency AND NOT EXISTS {
                MATCH (far)-[s4:SHARED_WITH]->(:Agency {code: $agency})
                WHERE s4.from <= $today AND (s4.to IS NULL OR s4.to >= $today) }
              AND (near.managingAgency = $agency OR EXISTS {
                MATCH (near)-[s5:SHARED_WITH]->(:Agency {code: $agency})
                WHERE s5.from <= $today AND (s5.to IS NULL OR s5.to >= $today)
                  AND $rank[s5.ceiling] >= cap }))
            OR (near.managingAgency <> $agency AND NOT EXISTS {
                MATCH (near)-[s6:SHARED_WITH]->(:Agency {code: $agency})
                WHERE s6.from <= $today AND (s6.to IS NULL OR s6.to >= $today) }
              AND (far.managingAgency = $agency OR EXISTS {
                MATCH (far)-[s7:SHARED_WITH]->(:Agency {code: $agency})
                WHERE s7.from <= $today AND (s7.to IS NULL OR s7.to >= $today)
                  AND $rank[s7.ceiling] >= cap }))))
      )
  ){1,6}(b)
  RETURN path
}
WITH path, cap ORDER BY length(path) ASC, cap DESC LIMIT 1
RETURN {
  length: length(path),
  nodes: [n IN nodes(path) |
    CASE
      WHEN n:Offender AND (n.managingAgency = $agency OR EXISTS {
        MATCH (n)-[s8:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s8.from <= $today AND (s8.to IS NULL OR s8.to >= $today)
      }) THEN n {__typename: 'Offender', .id, .surname, .riskLevel}
      WHEN n:Offender THEN n {__typename: 'RestrictedNominal', .id}
      WHEN n:Associate THEN n {__typename: 'Associate', .id, .surname}
      WHEN n:Address THEN n {__typename: 'Address', .id, .postcode}
      WHEN n:Vehicle THEN n {__typename: 'Vehicle', .id, .vrm}
      WHEN n:Mark THEN n {__typename: 'Mark', .id, .type}
    END],
  edges: [l IN relationships(path) | {source: startNode(l).id, target: endNode(l).id, type: type(l)}]
} AS result
