// addAlias: one more name the offender is known by (a repeat is accepted and changes nothing).
// include: offender_writer
CALL (o, status) {
  WITH * WHERE status = 'OK' AND NOT $alias IN coalesce(o.aliases, [])
  SET o.aliases = coalesce(o.aliases, []) + $alias
}
RETURN status
