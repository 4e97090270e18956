// How far the numbered change events reach (issue 15), and whether committed events wait for a
// number (`sequence_events.cypher`).
OPTIONAL MATCH (s:EventSequence {name: 'changes'})
RETURN coalesce(s.last, 0) AS last, EXISTS { MATCH (:Unsequenced) } AS pending
