// An agency's offenders in surname order: the offenders(filter: {managingAgency}) page in its
// default order reads them from this index in page order and stops when the page is full,
// instead of seeking every match and sorting it (issue 16; roots.plan_offenders).
CREATE INDEX offender_agency_surname IF NOT EXISTS FOR (n:Offender) ON (n.managingAgency, n.surname, n.id);
