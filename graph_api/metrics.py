"""Prometheus metrics of the API, served at `/metrics` when `GRAPH_API_METRICS_ENABLED` is on.

The instruments live in one registry of their own (not the client library's global one), are
updated whether or not they are served, and are per process: with several workers
(`GRAPH_API_WORKERS`) each scrape reaches one of them, so run one worker per container where
metrics matter. Labels are bounded: routes are the API's own, operations are root field names
of the schema, codes are the GraphQL error codes.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.responses import Response

__all__ = [
    "AUDIT_COMMIT_SECONDS",
    "DATABASE_ERRORS",
    "DATABASE_POOL_SIZE",
    "DATABASE_SESSIONS_IN_USE",
    "REGISTRY",
    "REQUESTS",
    "REQUEST_SECONDS",
    "WRITE_OUTCOME_CHECKS",
    "metrics_response",
]

REGISTRY = CollectorRegistry(auto_describe=True)

#: Seconds: from fast reads (a few ms) to the request deadline and past it.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30)

REQUESTS = Counter(
    "graph_api_requests",
    "Requests answered, by route, GraphQL operation (`query:offender`; `multiple` for several "
    "root fields) and outcome code (OK, a GraphQL error code, or HTTP_<status>).",
    ["route", "operation", "code"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "graph_api_request_seconds",
    "Time from the request's arrival to the end of its response, by route and operation.",
    ["route", "operation"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
DATABASE_ERRORS = Counter(
    "graph_api_database_errors",
    "Database calls that failed: unreachable, busy, timed_out (Neo4j's statement timeout), "
    "deadline (the API's request deadline), failed (the server failed mid-transaction).",
    ["kind"],
    registry=REGISTRY,
)
DATABASE_SESSIONS_IN_USE = Gauge(
    "graph_api_database_sessions_in_use",
    "Driver sessions (each holding or awaiting a pooled connection) in use now.",
    registry=REGISTRY,
)
DATABASE_POOL_SIZE = Gauge(
    "graph_api_database_pool_size",
    "Most connections the driver pool may open (NEO4J_POOL_SIZE).",
    registry=REGISTRY,
)
AUDIT_COMMIT_SECONDS = Histogram(
    "graph_api_audit_commit_seconds",
    "Time a read request waits for its audit record to be committed (group commit).",
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
WRITE_OUTCOME_CHECKS = Counter(
    "graph_api_write_outcome_checks",
    "Writes whose COMMIT answer was lost, by what the check found: committed, not_committed, "
    "unknown (answered OUTCOME_UNKNOWN).",
    ["result"],
    registry=REGISTRY,
)


def metrics_response() -> Response:
    """The current values in Prometheus' text format."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
