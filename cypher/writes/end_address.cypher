// endAddress: the offender's current residence at an address (a link the writer can see) ends.
//   status: writer statuses, LINK_NOT_FOUND, BEFORE_FROM ($on before the residence began)
// include: offender_writer
WITH o, status,
  [(o)-[r:RESIDES_AT]->(:Address {id: $addressId}) WHERE r.to IS NULL
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
