"""Slow and greedy clients: header-read and body-read deadlines, connections per address.

- `BodyReadDeadline` (ASGI middleware): a request body must arrive within
  `GRAPH_API_BODY_READ_SECONDS` of the request; a slower sender gets 408 and the connection
  is closed.
- `GuardedHttpProtocol` (uvicorn's httptools protocol, used by `graph-api serve`): a request's
  headers must arrive within `GRAPH_API_HEADER_READ_SECONDS` of its first byte (or of the
  connection opening), else 408 and close; at most `GRAPH_API_MAX_CONNECTIONS_PER_CLIENT`
  connections from one address at once, the next answered 503 and closed.

The connection limit counts addresses as the socket sees them: behind a proxy that is the
proxy, so set the limit at the proxy there, or raise this one.
"""

from __future__ import annotations

import asyncio
import collections
import json
from typing import TYPE_CHECKING, Any, ClassVar

from starlette.responses import JSONResponse
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from graph_api.errors import error_body
from graph_api.settings import get_settings

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from graph_api.settings import Settings

__all__ = ["BodyReadDeadline", "GuardedHttpProtocol", "install_body_read_deadline"]


def _plain_answer(status: int, reason: str, code: str, message: str) -> bytes:
    """A complete HTTP/1.1 response that closes the connection, GraphQL-shaped."""
    body = json.dumps(error_body(code, message)).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


# --- the body ---------------------------------------------------------------------------------


class _BodyTooSlow(Exception):
    """Raised into the application when the body deadline passes."""


def install_body_read_deadline(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(BodyReadDeadline, seconds=settings.graph_api_body_read_seconds)


class BodyReadDeadline:
    """ASGI middleware: the whole body must arrive within `seconds` of the request."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        until = loop.time() + self.seconds
        body_done = False
        started = False

        async def receive_bounded() -> Message:
            nonlocal body_done
            if body_done:
                return await receive()  # waits for a disconnect: not the body's time
            try:
                async with asyncio.timeout_at(until):
                    message = await receive()
            except TimeoutError:
                raise _BodyTooSlow from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive_bounded, send_tracked)
        except _BodyTooSlow:
            if started:
                raise
            message = f"the request body did not arrive within {self.seconds:g} s"
            response = JSONResponse(
                error_body("LIMIT_EXCEEDED", message),
                status_code=408,
                headers={"connection": "close"},
            )
            await response(scope, receive, send)


# --- headers and connections (uvicorn) ----------------------------------------------------------


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header-read deadline and a per-address limit."""

    #: Open connections per client address, in this worker process.
    open_per_address: ClassVar[collections.Counter[str]] = collections.Counter()
    #: The settings the limits come from; None: the process's (`get_settings()`).
    settings: ClassVar[Settings | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = self.settings or get_settings()
        self.header_seconds = settings.graph_api_header_read_seconds
        self.max_per_address = settings.graph_api_max_connections_per_client
        self._header_timer: asyncio.TimerHandle | None = None
        self._address: str | None = None
        self._in_headers = False

    @classmethod
    def with_settings(cls, settings: Settings) -> type[GuardedHttpProtocol]:
        """The protocol with the limits of `settings` (a server started in-process)."""
        return type(cls.__name__, (cls,), {"settings": settings})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        address = self.client[0] if self.client else None
        if address is not None:
            if self.open_per_address[address] >= self.max_per_address:
                transport.write(
                    _plain_answer(
                        503,
                        "Service Unavailable",
                        "LIMIT_EXCEEDED",
                        f"more than {self.max_per_address} connections from one address",
                    )
                )
                transport.close()
                return
            self._address = address
            self.open_per_address[address] += 1
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        if self._address is not None:
            self.open_per_address[self._address] -= 1
            if self.open_per_address[self._address] <= 0:
                del self.open_per_address[self._address]
            self._address = None
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_headers = True
        if self._header_timer is None:
            self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._disarm_header_timer()
        super().on_headers_complete()

    def _arm_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(self.header_seconds, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete and not self._in_headers:
            return  # a request is being answered on this connection: not a header wait
        self.transport.write(
            _plain_answer(
                408,
                "Request Timeout",
                "LIMIT_EXCEEDED",
                f"the request headers did not arrive within {self.header_seconds:g} s",
            )
        )
        self.transport.close()
