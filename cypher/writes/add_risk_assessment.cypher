// addRiskAssessment: a structured assessment of the offender. Its level becomes the offender's
// `riskLevel` unless a later assessment is already on record.
// include: offender_writer
CALL (o, status) {
  WITH * WHERE status = 'OK'
  CREATE (ra:RiskAssessment)
  SET ra = $assessment
  CREATE (o)-[:ASSESSED {from: $assessment.assessedOn, agency: $agency,
                         classification: $classification}]->(ra)
  WITH o
  WHERE NOT EXISTS {
    MATCH (o)-[:ASSESSED]->(later:RiskAssessment)
    WHERE later.assessedOn > $assessment.assessedOn
  }
  SET o.riskLevel = $assessment.level
}
RETURN status
