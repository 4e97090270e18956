"""Each request's end-to-end deadline, kept by the API itself (a stalled Neo4j enforces nothing).

The HTTP layer opens a deadline when a request arrives (`request_deadline`); every database
call made on its behalf (connection acquisition, statements, the commit, the audit record) waits
at most until then (`bounded`) and then raises `DeadlineExceeded`, which the client sees as
UNAVAILABLE. Statements also carry what is left as their server-side timeout (`server_timeout`),
so Neo4j stops work nobody is waiting for.

Example:

    with request_deadline(12.0):
        async with bounded():
            await session.run(...)
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import math
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse

from graph_api.errors import error_body

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from fastapi import FastAPI
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from graph_api.settings import Settings

__all__ = [
    "DeadlineExceeded",
    "RequestDeadline",
    "bounded",
    "install_request_deadline",
    "remaining",
    "request_deadline",
    "server_timeout",
]

#: (event-loop time at which the deadline passes, its length in seconds), or None: no deadline.
_deadline: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "deadline", default=None
)


class DeadlineExceeded(TimeoutError):
    """The request's deadline passed while it waited for the database."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the request did not finish within its deadline of {seconds:g} s; "
            "the database is slow or unreachable, try again shortly"
        )
        self.seconds = seconds


@contextlib.contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Work inside this block (in this task and the tasks it starts) ends `seconds` from now."""
    token = _deadline.set((asyncio.get_running_loop().time() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the current deadline (may be negative); None without one."""
    current = _deadline.get()
    if current is None:
        return None
    return current[0] - asyncio.get_running_loop().time()


def server_timeout(limit: float) -> float:
    """The timeout to give Neo4j for a statement: `limit`, or less when the deadline is near
    (whole milliseconds, at least one: Neo4j reads 0 as no timeout)."""
    left = remaining()
    if left is None or left >= limit:
        return limit
    return max(math.ceil(left * 1000), 1) / 1000


@contextlib.asynccontextmanager
async def bounded() -> AsyncIterator[None]:
    """Cancel the block when the current deadline passes, raising `DeadlineExceeded`.

    Without a deadline (command-line tools, tests calling the database directly) the block
    runs unbounded, as before.
    """
    current = _deadline.get()
    if current is None:
        yield
        return
    at, seconds = current
    try:
        async with asyncio.timeout_at(at):
            yield
    except TimeoutError as error:
        if isinstance(error, DeadlineExceeded):
            raise
        raise DeadlineExceeded(seconds) from None


# --- the HTTP side: each request opens its deadline -------------------------------------------

#: Beyond the deadline (and the write outcome check), the last resort: a request still running
#: is abandoned with 503, so nothing holds a connection forever.
_BACKSTOP_GRACE_SECONDS = 2.0

#: Routes that do not use the database on a request's behalf (probes bound themselves).
_UNBOUNDED = ("/healthz", "/readyz", "/metrics")


def install_request_deadline(app: FastAPI, settings: Settings) -> None:
    """Give every request the deadline `GRAPH_API_REQUEST_DEADLINE_SECONDS`."""
    app.add_middleware(RequestDeadline, settings=settings)


class RequestDeadline:
    """ASGI middleware: opens each request's deadline; past it plus the time a lost commit
    may take to settle, answers 503 itself if the route has not answered."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.seconds = settings.graph_api_request_deadline_seconds
        self.backstop = (
            self.seconds + settings.graph_api_outcome_check_seconds + _BACKSTOP_GRACE_SECONDS
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _UNBOUNDED:
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            with request_deadline(self.seconds):
                async with asyncio.timeout(self.backstop):
                    await self.app(scope, receive, send_tracked)
        except TimeoutError:
            if started:
                raise
            message = str(DeadlineExceeded(self.seconds))
            body = error_body("UNAVAILABLE", message)
            await JSONResponse(body, status_code=503, headers={"retry-after": "2"})(
                scope, receive, send
            )
