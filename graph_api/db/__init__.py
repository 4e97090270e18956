"""The database layer: our local Neo4j server, connections, migrations."""

from __future__ import annotations

from graph_api.db._connection import ConnectionTarget, DatabaseAccessError, connection_target
from graph_api.db._database import (
    CommitOutcomeUnknown,
    Database,
    DatabaseUnavailable,
    RoundTripCounter,
    Transaction,
    describe_failure,
    open_sync_driver,
)
from graph_api.db._local_server import LocalServer, LocalServerError, ServerStatus, neo4j_version
from graph_api.db._migrate import applied_versions, migrate

__all__ = [
    "CommitOutcomeUnknown",
    "ConnectionTarget",
    "Database",
    "DatabaseAccessError",
    "DatabaseUnavailable",
    "LocalServer",
    "LocalServerError",
    "RoundTripCounter",
    "ServerStatus",
    "Transaction",
    "applied_versions",
    "connection_target",
    "describe_failure",
    "migrate",
    "neo4j_version",
    "open_sync_driver",
]
