// Every agency, as reference data for any authenticated principal.
MATCH (a:Agency)
RETURN a {.id, .code, .name, .kind, .region, .publicProtectionContact} AS agency
ORDER BY a.code
