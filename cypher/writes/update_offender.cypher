// updateOffender: change the offender's own properties ($changes holds only those given).
// include: offender_writer
CALL (o, status) {
  WITH * WHERE status = 'OK'
  SET o += $changes
}
RETURN status
