// Stores the search keys of an offender's names (computed by graph_api.phonetic).
MATCH (o:Offender {id: $offenderId})
SET o.aliasText = $aliasText, o.nameKeys = $nameKeys
