// markAlertsRead: the user has read these alerts (issue 15); marking one twice changes nothing.
UNWIND $alertIds AS alertId
MERGE (r:AlertRead {userId: $userId, alertId: alertId})
ON CREATE SET r.at = datetime()
RETURN count(r) AS marked
