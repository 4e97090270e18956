// The last change event committed (issue 15): every event up to it is visible, as the sequence
// is taken last in each write's transaction and released at its commit.
OPTIONAL MATCH (s:EventSequence {name: 'changes'}) RETURN coalesce(s.last, 0) AS last
