// The names of an offender, read inside a write so its search keys can be recomputed.
MATCH (o:Offender {id: $offenderId})
RETURN o.forename AS forename, o.surname AS surname, coalesce(o.aliases, []) AS aliases
