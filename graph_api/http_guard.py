"""HTTP hardening in front of every route: header and body limits, request ids, security
headers and CORS."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.requests import Request
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from graph_api.settings import Settings

__all__ = ["HttpGuard", "correlation_id", "install_http_guard", "request_id"]

#: A client may name its request (for tracing) with a short, plain id: kept as the request's
#: correlation id, never as its request id, which the server makes.
_CORRELATION_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id(request: Request) -> str:
    """The id the server gave this request (in its audit record, logs and `X-Request-Id`)."""
    return str(request.scope.get("state", {}).get("request_id") or uuid.uuid4().hex)


def correlation_id(request: Request) -> str | None:
    """The client's own `X-Request-Id`, when it is a plain id of 8-64 characters."""
    supplied = request.headers.get("x-request-id", "")
    return supplied if _CORRELATION_ID.fullmatch(supplied) else None


#: Sent with every response. The API serves JSON only; nothing it sends is meant to be
#: sniffed as another type, framed, or told where the user came from.
_ALWAYS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
#: Answers are JSON: nothing may load, run or be framed. The explorer's pages send their own
#: policy (graph_api/web.py: this origin only), which this one does not overwrite.
_STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: Answers under this path hold offender data: `Cache-Control: no-store`, so no browser or
#: proxy keeps them.
_GRAPHQL_PATH = "/graphql"

#: Photo uploads (graph_api/photos.py) may be as large as a photo, plus the multipart framing.
_PHOTOS_PATH = "/photos"
_MULTIPART_ALLOWANCE = 64 * 1024

#: Headers a browser may send cross-origin: the token, the purpose, the request id and the
#: idempotency key of a mutation.
_CORS_HEADERS = ["Authorization", "Content-Type", "X-Purpose", "X-Request-Id", "Idempotency-Key"]
_CORS_EXPOSED = ["X-Request-Id"]


def install_http_guard(app: FastAPI, settings: Settings) -> None:
    """Add the guard and, when origins are configured, CORS (outermost, so 413s carry it)."""
    app.add_middleware(HttpGuard, settings=settings)
    if settings.graph_api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.graph_api_cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=_CORS_HEADERS,
            expose_headers=_CORS_EXPOSED,
            allow_credentials=False,  # bearer tokens, never cookies
            max_age=600,
        )


class _BodyTooLarge(Exception):
    """Raised into the application when a streamed body passes the limit."""


class HttpGuard:
    """ASGI middleware: refuses header sections and bodies over their limits (431, 413) before
    any route runs, gives each request its id, and adds security headers."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_header_bytes = settings.graph_api_max_header_bytes
        self.max_header_value_bytes = settings.graph_api_max_header_value_bytes
        self.max_body_bytes = settings.graph_api_max_body_bytes
        self.max_upload_bytes = settings.graph_api_photo_max_bytes + _MULTIPART_ALLOWANCE
        self.headers = dict(_ALWAYS)
        if not settings.graph_api_dev_mode:
            self.headers["content-security-policy"] = _STRICT_CSP

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        identifier = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = identifier
        headers = dict(self.headers)
        headers["x-request-id"] = identifier
        if scope["path"].startswith(_GRAPHQL_PATH):
            headers["cache-control"] = "no-store"
        started = False

        async def send_guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                sent = MutableHeaders(scope=message)
                for name, value in headers.items():
                    if name == "content-security-policy" and name in sent:
                        continue  # a page (graph_api/web.py) states its own, stricter-scoped CSP
                    sent[name] = value
            await send(message)

        oversized = self._oversized_header(scope)
        if oversized is not None:
            await _refuse(oversized, 431, scope, receive, send_guarded)
            return
        limit = self.max_upload_bytes if scope["path"] == _PHOTOS_PATH else self.max_body_bytes
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(limit, scope, receive, send_guarded)
            return

        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, receive_limited, send_guarded)
        except _BodyTooLarge:
            if started:
                raise
            await self._too_large(limit, scope, receive, send_guarded)

    def _oversized_header(self, scope: Scope) -> str | None:
        """Why the header section is refused, or None. Names only the limit, never a value."""
        total = 0
        for name, value in scope["headers"]:
            total += len(name) + len(value)
            if len(value) > self.max_header_value_bytes:
                return (
                    f"the `{name.decode('latin-1')[:40]}` header is larger than the header "
                    f"value limit of {self.max_header_value_bytes} bytes"
                )
        if total > self.max_header_bytes:
            return f"the request headers are larger than the limit of {self.max_header_bytes} bytes"
        return None

    async def _too_large(self, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is larger than the body size limit of {limit} bytes"
        await _refuse(message, 413, scope, receive, send)


async def _refuse(message: str, status: int, scope: Scope, receive: Receive, send: Send) -> None:
    """A GraphQL-shaped LIMIT_EXCEEDED answer with `status`."""
    body = {
        "data": None,
        "errors": [{"message": message, "extensions": {"code": "LIMIT_EXCEEDED"}}],
    }
    await JSONResponse(body, status_code=status)(scope, receive, send)
