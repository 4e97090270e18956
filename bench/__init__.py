"""The benchmark harness (`graph-api bench`): the query set, targets, load generator, results.

One logical question per `queries.BenchQuery`, answered by the API (GraphQL over HTTP) and by
hand-written Cypher through the driver (`raw/*.cypher`), under one principal's access policy.
"""
