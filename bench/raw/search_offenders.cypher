// searchOffenders(name, first: 20): fuzzy and phonetic name search over in-scope offenders.
// Principal: $agency, $today. $lucene: the full-text query the client built from the name
// (`graph_api.planner.roots.lucene_name_query`, letters only, so the same query either way).
CALL db.index.fulltext.queryNodes('person_names', $lucene, {limit: 1000}) YIELD node AS o, score
WHERE o:Offender
  AND (o.managingAgency = $agency OR EXISTS {
    MATCH (o)-[s:SHARED_WITH]->(:Agency {code: $agency})
    WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
  })
WITH o, score ORDER BY score DESC, o.id LIMIT 20
RETURN score, o {__typename: 'Offender', .id, .forename, .surname, .dob} AS nominal
