// The agencies whose users the development sign-in offers: those managing the most offenders.
MATCH (o:Offender)
WITH o.managingAgency AS code, count(*) AS managed
ORDER BY managed DESC, code
LIMIT $limit
MATCH (a:Agency {code: code})
RETURN a.code AS code, a.name AS name, managed
