"""Where the database is and how to log in: the external NEO4J_URI, or our local server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph_api.db._local_server import LocalServer

if TYPE_CHECKING:
    from graph_api.settings import Settings


class DatabaseAccessError(RuntimeError):
    """The database cannot be reached or refused us; the message is one line for a person."""


@dataclass(frozen=True)
class ConnectionTarget:
    """A URI, credentials and a database name."""

    uri: str
    user: str
    password: str
    database: str
    local: bool


def connection_target(settings: Settings) -> ConnectionTarget:
    """The external database when NEO4J_URI is set, otherwise the local instance."""
    if settings.neo4j_uri:
        return ConnectionTarget(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password or "",
            settings.neo4j_database,
            local=False,
        )
    server = LocalServer(settings)
    password = settings.neo4j_password or server.password()
    if password is None:
        raise DatabaseAccessError(
            f"the local Neo4j instance '{server.instance}' has not been started yet; "
            "run `graph-api db start` (or set NEO4J_URI)"
        )
    return ConnectionTarget(
        f"bolt://127.0.0.1:{server.port}",
        settings.neo4j_user,
        password,
        settings.neo4j_database,
        local=True,
    )
