// One page of the audit records older than $cutoff, oldest first, after ($afterAt, $afterId):
// each record whole, with the offenders it concerns, as `graph-api audit archive` writes it.
MATCH (a:AuditRecord)
WHERE a.at < $cutoff
  AND ($afterAt IS NULL OR a.at > $afterAt OR (a.at = $afterAt AND a.id > $afterId))
WITH a ORDER BY a.at, a.id LIMIT $limit
RETURN a.id AS id, a.at AS at, a {
  .*, labels: labels(a),
  concerns: [(a)-[c:CONCERNS]->(o:Offender) | {offenderId: o.id, disclosure: c.disclosure}]
} AS record
