// recordAddress: the offender lives or stays at an address: an existing one by $addressId
// (visible to the writer), one with the same line and postcode that the writer can already see,
// or a new one. An address only another agency can see is never matched (docs/design.md §4 rule 3):
// the writer gets a new node, so the write reveals nothing recorded there by others.
// A current main address ($main, no $to) ends the previous current main one the day before.
//   status: writer statuses, ADDRESS_NOT_FOUND, NOT_AFTER_CURRENT ($from not after the
//           current main address's from)
// include: offender_writer
WITH o, status,
  CASE WHEN $addressId IS NULL THEN null ELSE head(COLLECT {
    MATCH (known:Address {id: $addressId}) WHERE
// include: known_visible
    RETURN known }) END AS known,
  CASE WHEN $address IS NULL THEN null ELSE head(COLLECT {
    MATCH (known:Address {postcode: $address.postcode})
    WHERE toLower(known.line1) = toLower($address.line1) AND
// include: known_visible
    RETURN known ORDER BY known.id LIMIT 1 }) END AS same
WITH o, known, same,
  CASE
    WHEN status <> 'OK' THEN status
    WHEN $addressId IS NOT NULL AND known IS NULL THEN 'ADDRESS_NOT_FOUND'
    WHEN $main AND $to IS NULL AND EXISTS {
      MATCH (o)-[c:RESIDES_AT]->() WHERE c.main AND c.to IS NULL AND c.from >= $from
    } THEN 'NOT_AFTER_CURRENT'
    ELSE 'OK'
  END AS status
WITH o, status, coalesce(known.id, same.id, $newAddressId) AS addressId
CALL (o, status, addressId) {
  WITH * WHERE status = 'OK'
  CALL (o) {
    WITH * WHERE $main AND $to IS NULL
    MATCH (o)-[c:RESIDES_AT]->() WHERE c.main AND c.to IS NULL
    SET c.to = $from - duration('P1D')
  }
  MERGE (a:Address {id: addressId})
  ON CREATE SET a += $address, a.id = addressId
  CREATE (o)-[:RESIDES_AT {main: $main, from: $from, to: $to, agency: $agency,
                           classification: $classification}]->(a)
}
RETURN status, addressId
