// endAssociation: the offender's current association with a person (a link the writer can
// see) ends.
//   status: writer statuses, LINK_NOT_FOUND, BEFORE_FROM
// include: offender_writer
WITH o, status,
  [(o)-[r:ASSOCIATED_WITH]-(:Person {id: $personId}) WHERE r.to IS NULL
    AND $rank[r.classification] <= c | r] AS links
WITH links,
  CASE
    WHEN status <> 'OK' THEN status
    WHEN size(links) = 0 THEN 'LINK_NOT_FOUND'
    WHEN any(r IN links WHERE r.from > $on) THEN 'BEFORE_FROM'
    ELSE 'OK'
  END AS status
CALL (links, status) {
  WITH * WHERE status = 'OK'
  UNWIND links AS r
  SET r.to = $on
}
RETURN status
