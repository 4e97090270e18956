// An agency's offenders by risk level: the offenders(filter: {managingAgency, riskLevels}) page
// seeks them together (2,089 of the biggest agency's 12,628 for one level) instead of reading
// the agency's offenders or everyone at that level (issue 16).
CREATE INDEX offender_agency_risk IF NOT EXISTS FOR (n:Offender) ON (n.managingAgency, n.riskLevel);
