// revokeShare: the managing agency ends its current shares of the offender with an agency;
// they end yesterday, so they are not valid today.
//   status: writer statuses, NOT_MANAGING, SHARE_NOT_FOUND
// include: offender_writer
WITH o, managed, status,
  [(o)-[s:SHARED_WITH]->(:Agency {code: $target})
    WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today) | s] AS shares
WITH shares,
  CASE
    WHEN status <> 'OK' THEN status
    WHEN NOT managed THEN 'NOT_MANAGING'
    WHEN size(shares) = 0 THEN 'SHARE_NOT_FOUND'
    ELSE 'OK'
  END AS status
CALL (shares, status) {
  WITH * WHERE status = 'OK'
  UNWIND shares AS s
  SET s.to = $today - duration('P1D')
}
RETURN status
