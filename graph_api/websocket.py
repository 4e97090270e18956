"""GraphQL over WebSocket: `graphql-transport-ws` only, identified at `connection_init`.

The old `graphql-ws` protocol is refused (close 4406): it lets a client subscribe without ever
initialising. The bearer token and purpose travel in the `connection_init` payload
(`{"authorization": "Bearer <token>", "purpose": "..."}`) and are verified as on HTTP; nothing is
acknowledged before. The socket then closes with a clear code:

- 4401: no valid token at `connection_init` (the reason says why), or the token expired;
- 4400: a malformed message, or a purpose over its limit;
- 4429: more sockets for one user than `GRAPH_API_MAX_CONNECTIONS_PER_USER`, or more messages
  a second than `GRAPH_API_MAX_MESSAGES_PER_SECOND`;
- 1013 (try again later): the agency list could not be read (the database is down).

A subscription past `GRAPH_API_MAX_SUBSCRIPTIONS_PER_CONNECTION` gets an `error` message with
`extensions.code` LIMIT_EXCEEDED. A subscription may name a trusted document by `documentId`,
as over HTTP (`graph_api.trusted_documents`); its refusals are `error` messages too. Only
subscriptions run over a socket (queries and mutations go over HTTP, where each has its own
audit record and Idempotency-Key).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.types.graphql import OperationType

from graph_api import events
from graph_api.errors import ApiError
from graph_api.schema.context import ConnectionContext
from graph_api.trusted_documents import DocumentRefused

if TYPE_CHECKING:
    from strawberry.schema import BaseSchema
    from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
        ConnectionInitMessage,
        ErrorMessage,
        Message,
        SubscribeMessage,
    )

#: Close codes (graphql-transport-ws uses 44xx for the client's errors; 1013 is "try again").
UNAUTHORIZED, BAD_REQUEST, TOO_MANY, TRY_AGAIN = 4401, 4400, 4429, 1013


def _reason(text: str) -> str:
    """A close reason fits in 123 bytes (RFC 6455)."""
    encoded = text.encode()
    return text if len(encoded) <= 123 else encoded[:120].decode(errors="ignore") + "..."


class _SubscriptionsOnly:
    """The schema as a socket sees it: subscriptions only."""

    def __init__(self, schema: BaseSchema) -> None:
        self._schema = schema

    async def stream(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["allowed_operation_types"] = (OperationType.SUBSCRIPTION,)
        return await self._schema.stream(*args, **kwargs)


class RegisterSocket(BaseGraphQLTransportWSHandler[ConnectionContext, None]):
    """graphql-transport-ws, with the register's identity, expiry and limits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schema = _SubscriptionsOnly(self.schema)  # type: ignore[assignment]
        self._user: str | None = None
        self._expiry: asyncio.Task[None] | None = None
        settings = self.context.settings
        self._rate = settings.graph_api_max_messages_per_second
        self._allowance = 2 * self._rate  # a burst of two seconds' worth
        self._checked = time.monotonic()

    @property
    def _hub(self) -> events.EventHub:
        return events.hub(self.context.database, self.context.settings)

    async def handle_message(self, message: Message) -> None:
        now = time.monotonic()
        self._allowance = min(2 * self._rate, self._allowance + (now - self._checked) * self._rate)
        self._checked = now
        if self._allowance < 1:
            await self.websocket.close(
                TOO_MANY,
                _reason(
                    f"more than {self._rate:g} messages a second "
                    "(GRAPH_API_MAX_MESSAGES_PER_SECOND)"
                ),
            )
            return
        self._allowance -= 1
        await super().handle_message(message)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        if self.connection_init_received or not isinstance(payload, dict):
            await super().handle_connection_init(message)  # the protocol's own refusals
            return
        assert self.context.identify is not None
        try:
            principal, expires_at = await self.context.identify(payload)
        except ApiError as error:
            if self.connection_init_timeout_task:
                self.connection_init_timeout_task.cancel()
            code = {"UNAUTHENTICATED": UNAUTHORIZED, "UNAVAILABLE": TRY_AGAIN}.get(
                error.code, BAD_REQUEST
            )
            await self.websocket.close(code, _reason(error.message))
            return
        if not self._hub.open_connection(principal.user_id):
            if self.connection_init_timeout_task:
                self.connection_init_timeout_task.cancel()
            limit = self.context.settings.graph_api_max_connections_per_user
            await self.websocket.close(
                TOO_MANY,
                _reason(f"at most {limit} sockets per user (GRAPH_API_MAX_CONNECTIONS_PER_USER)"),
            )
            return
        self._user = principal.user_id
        self.context.principal_or_error = principal
        self.context.expires_at = expires_at
        if expires_at is not None:
            self._expiry = asyncio.create_task(self._close_at(expires_at))
        await super().handle_connection_init(message)

    async def _close_at(self, expires_at: float) -> None:
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        await self.websocket.close(
            UNAUTHORIZED, "the token has expired; reconnect with a new token (and your cursor)"
        )

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        limit = self.context.settings.graph_api_max_subscriptions_per_connection
        if self.connection_acknowledged and len(self.operations) >= limit:
            await self.send_message(
                {
                    "id": message["id"],
                    "type": "error",
                    "payload": [
                        {
                            "message": f"at most {limit} subscriptions per socket "
                            "(GRAPH_API_MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one first",
                            "extensions": {"code": "LIMIT_EXCEEDED"},
                        }
                    ],
                }
            )
            return
        payload = message.get("payload")
        if self.connection_acknowledged and isinstance(payload, dict):
            try:  # a trusted document's id, or a text only the manifest may hold
                message["payload"] = self.view.trusted.resolve(payload)  # type: ignore[attr-defined]
            except DocumentRefused as refusal:
                refused: ErrorMessage = {
                    "id": message["id"],
                    "type": "error",
                    "payload": [refusal.error()],  # type: ignore[list-item]
                }
                await self.send_message(refused)
                return
        await super().handle_subscribe(message)

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._expiry
        if self._user is not None:
            self._hub.close_connection(self._user)
            self._user = None
        await super().shutdown()
