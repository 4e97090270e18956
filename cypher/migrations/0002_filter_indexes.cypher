// Range indexes behind the offenders(filter, orderBy) root field and the mark search.
CREATE INDEX offender_managing_agency IF NOT EXISTS FOR (n:Offender) ON (n.managingAgency, n.id);
CREATE INDEX offender_risk_level IF NOT EXISTS FOR (n:Offender) ON (n.riskLevel);
CREATE INDEX offender_nominal_type IF NOT EXISTS FOR (n:Offender) ON (n.nominalType);
CREATE INDEX offender_mappa IF NOT EXISTS FOR (n:Offender) ON (n.mappaCategory, n.mappaLevel);
CREATE INDEX person_surname IF NOT EXISTS FOR (n:Person) ON (n.surname);
CREATE INDEX person_dob IF NOT EXISTS FOR (n:Person) ON (n.dob);
CREATE INDEX address_postcode IF NOT EXISTS FOR (n:Address) ON (n.postcode);
CREATE INDEX address_postcode_district IF NOT EXISTS FOR (n:Address) ON (n.postcodeDistrict);
CREATE INDEX mark_type_part IF NOT EXISTS FOR (n:Mark) ON (n.type, n.bodyPart);
CREATE INDEX shared_with_agency IF NOT EXISTS FOR ()-[r:SHARED_WITH]-() ON (r.to);
