"""HTTP hardening in front of every route: request body limit, security headers and CORS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from graph_api.settings import Settings

__all__ = ["HttpGuard", "install_http_guard"]

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


def install_http_guard(app: FastAPI, settings: Settings) -> None:
    """Add the guard and, when origins are configured, CORS (outermost, so 413s carry it)."""
    app.add_middleware(HttpGuard, settings=settings)
    if settings.graph_api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.graph_api_cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=_CORS_HEADERS,
            allow_credentials=False,  # bearer tokens, never cookies
            max_age=600,
        )


class _BodyTooLarge(Exception):
    """Raised into the application when a streamed body passes the limit."""


class HttpGuard:
    """ASGI middleware: refuses bodies over the limit with 413, adds security headers."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body_bytes = settings.graph_api_max_body_bytes
        self.max_upload_bytes = settings.graph_api_photo_max_bytes + _MULTIPART_ALLOWANCE
        self.headers = dict(_ALWAYS)
        if not settings.graph_api_dev_mode:
            self.headers["content-security-policy"] = _STRICT_CSP

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(self.headers)
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

    async def _too_large(self, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is larger than the body size limit of {limit} bytes"
        body = {
            "data": None,
            "errors": [{"message": message, "extensions": {"code": "LIMIT_EXCEEDED"}}],
        }
        await JSONResponse(body, status_code=413)(scope, receive, send)
