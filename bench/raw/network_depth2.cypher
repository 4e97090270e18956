// network(offenderId, depth: 2): visible links up to two hops from an in-scope offender,
// never expanding from an out-of-scope offender (shown as a restricted stub).
// Principal: $agency, $clearance (rank), $today, $rank.
//
// A link l between `near` and `far` is visible when rank(l) <= clearance and each offender
// end admits it (managed by the principal's agency, or shared today with a ceiling >= rank(l)),
// except that an association from an in-scope offender may end at an out-of-scope one.
MATCH (root:Offender {id: $id})
WHERE root.managingAgency = $agency OR EXISTS {
  MATCH (root)-[s1:SHARED_WITH]->(:Agency {code: $agency})
  WHERE s1.from <= $today AND (s1.to IS NULL OR s1.to >= $today)
}
CALL (root) {
  MATCH (root)-[l:RESIDES_AT|ASSOCIATED_WITH|USES|HAS_MARK]-(far)
  WHERE $rank[l.classification] <= $clearance
    AND (root.managingAgency = $agency OR EXISTS {
      MATCH (root)-[s2:SHARED_WITH]->(:Agency {code: $agency})
      WHERE s2.from <= $today AND (s2.to IS NULL OR s2.to >= $today)
        AND $rank[l.classification] <= $rank[s2.ceiling]
    })
    AND (NOT far:Offender OR far.managingAgency = $agency
      OR EXISTS {
        MATCH (far)-[s3:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s3.from <= $today AND (s3.to IS NULL OR s3.to >= $today)
          AND $rank[l.classification] <= $rank[s3.ceiling]
      }
      OR (type(l) = 'ASSOCIATED_WITH' AND NOT EXISTS {
        MATCH (far)-[s4:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s4.from <= $today AND (s4.to IS NULL OR s4.to >= $today)
      }))
  RETURN collect(DISTINCT l) AS links1, collect(DISTINCT far) AS level1
}
CALL (level1) {
  UNWIND level1 AS near
  WITH near WHERE NOT near:Offender OR near.managingAgency = $agency OR EXISTS {
    MATCH (near)-[s5:SHARED_WITH]->(:Agency {code: $agency})
    WHERE s5.from <= $today AND (s5.to IS NULL OR s5.to >= $today)
  }
  MATCH (near)-[l:RESIDES_AT|ASSOCIATED_WITH|USES|HAS_MARK]-(far)
  WHERE $rank[l.classification] <= $clearance
    AND (NOT near:Offender OR near.managingAgency = $agency OR EXISTS {
      MATCH (near)-[s6:SHARED_WITH]->(:Agency {code: $agency})
      WHERE s6.from <= $today AND (s6.to IS NULL OR s6.to >= $today)
        AND $rank[l.classification] <= $rank[s6.ceiling]
    })
    AND (NOT far:Offender OR far.managingAgency = $agency
      OR EXISTS {
        MATCH (far)-[s7:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s7.from <= $today AND (s7.to IS NULL OR s7.to >= $today)
          AND $rank[l.classification] <= $rank[s7.ceiling]
      }
      OR (type(l) = 'ASSOCIATED_WITH' AND near:Offender AND NOT EXISTS {
        MATCH (far)-[s8:SHARED_WITH]->(:Agency {code: $agency})
        WHERE s8.from <= $today AND (s8.to IS NULL OR s8.to >= $today)
      }))
  RETURN collect(DISTINCT l) AS links2, collect(DISTINCT far) AS level2
}
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
