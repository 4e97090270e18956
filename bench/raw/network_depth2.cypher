// network(offenderId, depth: 2): visible links up to two hops from an in-scope offender,
// never expanding from an out-of-scope offender (shown as a restricted stub).
// Principal: $agency, $clearance (rank), $today, $rank.
//
// A link l walked from `near` (with cap c) to `far` is visible when rank(l) <= c and an
// in-scope offender `far` admits it (rank(l) <= its ceiling), except that an association from
// an in-scope offender may end at an out-of-scope one.
MATCH (root:Offender {id: $id})
WITH root, CASE WHEN root.managingAgency = $agency THEN $clearance ELSE coalesce(head(COLLECT {
  MATCH (root)-[s1:SHARED_WITH]->(:Agency {code: $agency})
  WHERE s1.from <= $today AND (s1.to IS NULL OR s1.to >= $today)
  RETURN CASE WHEN $rank[s1.ceiling] < $clearance THEN $rank[s1.ceiling] ELSE $clearance END AS k
  ORDER BY k DESC LIMIT 1 }), 0) END AS c0
WHERE c0 > 0
CALL (root, c0) {
  MATCH (root)-[l:RESIDES_AT|ASSOCIATED_WITH|USES|HAS_MARK]-(far)
  WITH l, far, CASE WHEN NOT far:Offender THEN null
    WHEN far.managingAgency = $agency THEN $clearance ELSE coalesce(head(COLLECT {
      MATCH (far)-[s2:SHARED_WITH]->(:Agency {code: $agency})
      WHERE s2.from <= $today AND (s2.to IS NULL OR s2.to >= $today)
      RETURN CASE WHEN $rank[s2.ceiling] < $clearance THEN $rank[s2.ceiling] ELSE $clearance END AS k
      ORDER BY k DESC LIMIT 1 }), 0) END AS cf
  WHERE $rank[l.classification] <= c0
    AND (cf IS NULL OR $rank[l.classification] <= cf OR (cf = 0 AND type(l) = 'ASSOCIATED_WITH'))
  RETURN collect(DISTINCT l) AS links1,
    collect(DISTINCT {n: far, c: CASE WHEN cf IS NULL THEN c0 WHEN cf < c0 THEN cf ELSE c0 END}) AS reached1
}
// Each node of level 1 carries its cap: the lower of the root's and its own ceiling (0 for a
// stub, which is not expanded); level 2 keeps to it (docs/access-policy.md, "Caps").
CALL (reached1) {
  UNWIND reached1 AS x
  WITH x.n AS near, x.c AS nc WHERE nc > 0
  MATCH (near)-[l:RESIDES_AT|ASSOCIATED_WITH|USES|HAS_MARK]-(far)
  WITH near, nc, l, far, CASE WHEN NOT far:Offender THEN null
    WHEN far.managingAgency = $agency THEN $clearance ELSE coalesce(head(COLLECT {
      MATCH (far)-[s3:SHARED_WITH]->(:Agency {code: $agency})
      WHERE s3.from <= $today AND (s3.to IS NULL OR s3.to >= $today)
      RETURN CASE WHEN $rank[s3.ceiling] < $clearance THEN $rank[s3.ceiling] ELSE $clearance END AS k
      ORDER BY k DESC LIMIT 1 }), 0) END AS cf
  WHERE $rank[l.classification] <= nc
    AND (cf IS NULL OR $rank[l.classification] <= cf
      OR (cf = 0 AND type(l) = 'ASSOCIATED_WITH' AND near:Offender))
  RETURN collect(DISTINCT l) AS links2, collect(DISTINCT far) AS level2
}
WITH root, [x IN reached1 | x.n] AS level1, links1, links2, level2
WITH [root] + [n IN level1 WHERE n <> root]
       + [n IN level2 WHERE n <> root AND NOT n IN level1] AS nodes,
     (links1 + [l IN links2 WHERE NOT l IN links1])[0..2000] AS links
RETURN {
  nodes: [n IN nodes |
    CASE
      WHEN n:Offender AND (n.managingAgency = $agency OR EXISTS {
        MATCH (n)-[s9:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s9.from <= $today AND (s9.to IS NULL OR s9.to >= $today)
      }) THEN n {__typename: 'Offender', .id, .surname, .riskLevel}
      WHEN n:Offender THEN n {__typename: 'RestrictedNominal', .id}
      WHEN n:Associate THEN n {__typename: 'Associate', .id, .surname}
      WHEN n:Address THEN n {__typename: 'Address', .id, .postcode}
      WHEN n:Vehicle THEN n {__typename: 'Vehicle', .id, .vrm}
      WHEN n:Mark THEN n {__typename: 'Mark', .id, .type}
    END],
  edges: [l IN links | {source: startNode(l).id, target: endNode(l).id, type: type(l)}]
} AS result
