"""What every resolver gets: the database, the settings, the request id and the Principal."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph_api.audit import Disclosure
from graph_api.errors import ApiError, BadUserInput

if TYPE_CHECKING:
    from starlette.requests import Request

    from graph_api.db import Database
    from graph_api.identity import Principal
    from graph_api.settings import Settings


@dataclass
class RequestContext:
    """Per-request context; the Principal is checked only where a field needs it."""

    #: The HTTP request (its headers: the Idempotency-Key of a mutation).
    request: Request
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
