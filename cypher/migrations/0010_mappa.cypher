// MAPPA (issue 14, docs/design.md §3 and §12): convictions, notification requirements, licence
// conditions, custody episodes, MAPPA meetings and their actions. Ids are unique per label;
// the due-and-overdue queries start from the managing agency's offenders (an index exists) and
// filter by these dates.
CREATE CONSTRAINT conviction_id IF NOT EXISTS FOR (n:Conviction) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT notification_requirement_id IF NOT EXISTS FOR (n:NotificationRequirement) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT licence_condition_id IF NOT EXISTS FOR (n:LicenceCondition) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT custody_id IF NOT EXISTS FOR (n:Custody) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT mappa_meeting_id IF NOT EXISTS FOR (n:MappaMeeting) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT action_id IF NOT EXISTS FOR (n:Action) REQUIRE n.id IS UNIQUE;
// Actions an agency owns (an owner lists and closes its own).
CREATE INDEX action_owner IF NOT EXISTS FOR (n:Action) ON (n.ownerAgency, n.doneOn);
