"""`GET /mappa/{offenderId}/pack.pdf` and `.../pack.html`: the meeting pack, printable and on
screen. Each runs the one pack query (`pack.graphql`) through the same GraphQL schema as any
client, with the caller's own identity and purpose (so the same policy, limits and audit
record: the request is a disclosure in the offender's trail, operation `MappaPackPdf` or
`MappaPackHtml`), then renders the answer. Nothing here reads the database itself."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from graph_api.errors import ApiError, BadUserInput, NotFound
from graph_api.http_guard import correlation_id, request_id
from graph_api.pack._render import PackContext, render, style_hash
from graph_api.photos import PhotoStore
from graph_api.schema.context import RequestContext

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import strawberry

    from graph_api.db import Database
    from graph_api.identity import Principal
    from graph_api.settings import Settings

_STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404, "BAD_USER_INPUT": 400,
           "LIMIT_EXCEEDED": 400, "UNAVAILABLE": 503}  # fmt: skip
#: Personal data: no browser or proxy keeps a copy.
_PRIVATE = {"Cache-Control": "private, no-store"}


@cache
def document(operation: str) -> str:
    """The pack query, named for the audit record (`MappaPackPdf`, `MappaPackHtml`)."""
    text = (Path(__file__).resolve().parent / "pack.graphql").read_text()
    return text.replace("query MappaPack(", f"query {operation}(", 1)


def page_csp() -> str:
    """The HTML view loads nothing: its one inline stylesheet (by hash) and `data:` images."""
    return (
        f"default-src 'none'; style-src '{style_hash()}'; img-src data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


class _Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message


def pack_routes(
    settings: Settings,
    database: Database,
    schema: strawberry.Schema,
    identify: Callable[[Request], Awaitable[Principal]],
) -> APIRouter:
    """The pack's two routes, clients of `schema`."""
    store = PhotoStore(settings.graph_api_photo_dir)
    router = APIRouter()

    async def produce(request: Request, offender_id: str, operation: str) -> str:
        try:
            principal = await identify(request)
        except ApiError as error:
            raise _Refused(error.code, error.message) from None
        if not principal.purpose:
            raise _Refused(
                BadUserInput.code,
                "a purpose is required to read offender data: send the `X-Purpose` header",
            )
        context = RequestContext(
            request=request,
            database=database,
            settings=settings,
            request_id=request_id(request),
            correlation_id=correlation_id(request),
            principal_or_error=principal,
        )
        today = dt.date.today()
        result = await schema.execute(
            document(operation),
            variable_values={"id": offender_id, "today": today.isoformat()},
            context_value=context,
            operation_name=operation,
        )
        if result.errors:
            extensions = result.errors[0].extensions or {}
            raise _Refused(
                str(extensions.get("code", "INTERNAL_SERVER_ERROR")), result.errors[0].message
            )
        offender = (result.data or {}).get("offender")
        if offender is None:
            missing = NotFound(f"no offender with id '{offender_id}' is in your agency's scope")
            raise _Refused(missing.code, missing.message)
        pack = PackContext(
            user_id=principal.user_id,
            agency=principal.agency,
            purpose=principal.purpose,
            request_id=context.request_id,
            generated_at=dt.datetime.now(dt.UTC),
            photos=await asyncio.to_thread(_thumbnails, store, offender["photos"][:1]),
        )
        return render(offender, pack, today)

    async def answer(request: Request, offender_id: str, operation: str) -> Response:
        try:
            html = await produce(request, offender_id, operation)
        except _Refused as refused:
            return JSONResponse(
                {"code": refused.code, "message": refused.message},
                status_code=_STATUS.get(refused.code, 500),
                headers=_PRIVATE,
            )
        if operation == "MappaPackHtml":
            return HTMLResponse(html, headers={"Content-Security-Policy": page_csp(), **_PRIVATE})
        pdf = await asyncio.to_thread(print_pdf, html)
        disposition = f'inline; filename="mappa-pack-{offender_id}.pdf"'
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": disposition, **_PRIVATE},
        )

    @router.get("/mappa/{offender_id}/pack.pdf")
    async def pack_pdf(request: Request, offender_id: str) -> Response:
        """The meeting pack as a printable PDF (A4, marked on every page)."""
        return await answer(request, offender_id, "MappaPackPdf")

    @router.get("/mappa/{offender_id}/pack.html")
    async def pack_html(request: Request, offender_id: str) -> Response:
        """The meeting pack as one server-rendered page (no script, nothing loaded)."""
        return await answer(request, offender_id, "MappaPackHtml")

    return router


def _thumbnails(store: PhotoStore, photos: list[dict[str, Any]]) -> dict[str, str]:
    """`data:` URIs of the photos' thumbnails that are on disk (a missing file is no photo)."""
    found = {}
    for photo in photos:
        path = store.thumbnail_path(photo["sha256"])
        if path.is_file():
            found[photo["id"]] = (
                "data:image/jpeg;base64," + base64.b64encode(path.read_bytes()).decode()
            )
    return found


def print_pdf(html: str) -> bytes:
    """The document printed by WeasyPrint (in-process: no browser to start per request)."""
    from weasyprint import HTML  # imported on first use: it takes a while to load

    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
