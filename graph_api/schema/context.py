"""What every resolver gets: the database, the settings, the request id and the Principal."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph_api.audit import Disclosure
from graph_api.errors import ApiError, BadUserInput

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import HTTPConnection

    from graph_api.db import Database
    from graph_api.identity import Principal
    from graph_api.settings import Settings


@dataclass
class RequestContext:
    """Per-request context; the Principal is checked only where a field needs it."""

    #: The HTTP request (its headers: the Idempotency-Key of a mutation), or the WebSocket.
    request: HTTPConnection
    database: Database
    settings: Settings
    #: Made by the server (`http_guard`), never taken from the client.
    request_id: str
    principal_or_error: Principal | ApiError
    #: The client's own `X-Request-Id`, checked, kept beside the request id in audit records.
    correlation_id: str | None = None
    #: What this request disclosed, for its audit record.
    disclosure: Disclosure = field(default_factory=Disclosure)
    #: The GraphQL document as sent (set before execution, for audit records).
    document: str | None = None
    #: Root fields of one request run their statements one at a time, so one request cannot
    #: take over the database, and repeated root fields of one shape are planned only once.
    statement_slot: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))

    def principal(self) -> Principal:
        """The authenticated Principal, or the authentication error for this request."""
        if isinstance(self.principal_or_error, ApiError):
            raise self.principal_or_error
        return self.principal_or_error

    def principal_with_purpose(self) -> Principal:
        """The Principal, required to state a purpose: offender data is only read for one."""
        principal = self.principal()
        if not principal.purpose:
            raise BadUserInput(
                "a purpose is required to read offender data: send the `X-Purpose` header "
                "or a `purpose` claim in the token"
            )
        return principal


@dataclass
class ConnectionContext(RequestContext):
    """The context of one WebSocket (graphql-transport-ws): its Principal is set when the
    connection is initialised (`graph_api.websocket`), and serves every subscription on it."""

    #: When the principal's token expires (epoch seconds): the socket closes then.
    expires_at: float | None = None
    #: The `connection_init` payload, as the protocol handler hands it over.
    connection_params: dict[str, Any] | None = None
    #: Verifies a `connection_init` payload as HTTP verifies headers: the Principal and when
    #: its token expires, or the ApiError to close the socket with.
    identify: Callable[[dict[str, Any]], Awaitable[tuple[Principal, float | None]]] | None = None
