"""The explorer's pages (docs/design.md §10): the built `web/` app at `/`, local GraphiQL and
the API docs page (development mode), and the development sign-in that mints demo users' tokens.

Every page is served from local files under one Content-Security-Policy that lets it load
scripts, styles and images from this origin only, and call this API (and the OpenID Connect
issuer, when one is configured); nothing comes from a CDN.
"""

from __future__ import annotations

import html
import json
import logging
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from neo4j.exceptions import Neo4jError

from graph_api import cypher_files
from graph_api.db import DatabaseUnavailable
from graph_api.domain import Classification, Role
from graph_api.identity import mint_token
from graph_api.pack._render import style_hash as pack_style_hash

if TYPE_CHECKING:
    from pathlib import Path

    from graph_api.db import Database
    from graph_api.settings import Settings

__all__ = ["DemoUser", "page_csp", "web_routes"]

log = logging.getLogger("graph_api.web")

#: The placeholder in each built page that the server replaces with the page's configuration.
_CONFIG_MARK = "<!--explorer-config-->"
#: Hashed build assets never change under their name; pages are re-read for their config.
_IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
_PAGE_HEADERS = {"Cache-Control": "no-store"}

#: The demo users offered by the development sign-in, per agency: role sets and clearances
#: that show the access policy from each side.
_DEMO_PROFILES: tuple[tuple[str, tuple[Role, ...], Classification], ...] = (
    ("analyst", (Role.ANALYST,), Classification.SECRET),
    ("manager", (Role.OFFENDER_MANAGER,), Classification.OFFICIAL_SENSITIVE),
    ("supervisor", (Role.SUPERVISOR, Role.OFFENDER_MANAGER), Classification.SECRET),
    ("national", (Role.ANALYST, Role.NATIONAL_SEARCH), Classification.OFFICIAL),
)
#: Agencies that manage the most offenders come first; this many are offered.
_DEMO_AGENCIES = 3


@dataclass(frozen=True)
class DemoUser:
    """A user the development sign-in offers."""

    user_id: str
    agency: str
    agency_name: str
    roles: tuple[str, ...]
    clearance: str


def page_csp(settings: Settings) -> str:
    """The Content-Security-Policy of every page: this origin only (plus the OIDC issuer, for
    its discovery document and token endpoint). `connect-src 'self'` also admits this origin's
    own `ws:`/`wss:` (CSP Level 3), which the alerts' subscription needs, and nothing else.
    The MAPPA pack is shown in a frame from a `blob:` URL the page made (`frame-src blob:`); a
    `blob:` document inherits this policy, so its one inline stylesheet is allowed by hash."""
    connect = ["'self'"]
    if settings.graph_api_oidc_issuer:
        parts = urlsplit(settings.graph_api_oidc_issuer)
        connect.append(f"{parts.scheme}://{parts.netloc}")
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            f"style-src 'self' '{pack_style_hash()}'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "frame-src blob:",
            f"connect-src {' '.join(connect)}",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


def page_config(settings: Settings) -> dict[str, object]:
    """What a page needs to know before it signs in (none of it secret)."""
    oidc = None
    if settings.graph_api_oidc_issuer and settings.graph_api_oidc_client_id:
        oidc = {
            "issuer": settings.graph_api_oidc_issuer.rstrip("/"),
            "clientId": settings.graph_api_oidc_client_id,
            "scope": settings.graph_api_oidc_scope,
        }
    return {"devSignIn": settings.graph_api_dev_mode, "oidc": oidc}


def web_routes(settings: Settings, database: Database) -> APIRouter:
    """The explorer's routes. GraphiQL, the docs page and the dev sign-in exist only in
    development mode (docs/design.md §9)."""
    dist = settings.graph_api_web_dir
    router = APIRouter()
    csp = page_csp(settings)
    config = html.escape(json.dumps(page_config(settings)), quote=True)

    def page(name: str) -> Response:
        path = dist / name
        if not path.is_file():
            return HTMLResponse(
                "<!doctype html><title>Explorer not built</title>"
                "<p>The explorer is not built: run <code>make web</code>.</p>",
                status_code=503,
                headers={"Content-Security-Policy": csp, **_PAGE_HEADERS},
            )
        text = path.read_text(encoding="utf-8").replace(
            _CONFIG_MARK, f'<meta name="explorer-config" content="{config}">'
        )
        return HTMLResponse(text, headers={"Content-Security-Policy": csp, **_PAGE_HEADERS})

    @router.get("/", include_in_schema=False)
    async def explorer() -> Response:
        """The explorer (the single-page app)."""
        return page("index.html")

    @router.get("/assets/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        """A hashed build asset (scripts, styles, fonts, images)."""
        path = _inside(dist / "assets", name)
        if path is None:
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        return FileResponse(path, headers=_IMMUTABLE)

    if not settings.graph_api_dev_mode:
        return router

    @router.get("/graphql", include_in_schema=False)
    @router.get("/graphiql", include_in_schema=False)
    async def graphiql() -> Response:
        """GraphiQL with the explorer plugin, from local files (POST /graphql is the API)."""
        return page("graphiql.html")

    @router.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        """The API reference: the GraphQL schema and the HTTP routes, from local files."""
        return page("docs.html")

    @router.get("/dev/users", include_in_schema=False)
    async def demo_users() -> Response:
        """The demo users of the development sign-in."""
        try:
            users = await _demo_users(database)
        except (DatabaseUnavailable, Neo4jError):
            return JSONResponse(
                {"code": "UNAVAILABLE", "message": "the database is unavailable"}, status_code=503
            )
        return JSONResponse({"users": [asdict(user) for user in users]})

    @router.post("/dev/token", include_in_schema=False)
    async def demo_token(request: Request) -> Response:
        """A short-lived token for one demo user: `{"userId": ...}` in, `{"token", ...}` out."""
        try:
            body = await request.json()
            wanted = str(body["userId"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse(
                {"code": "BAD_USER_INPUT", "message": 'send {"userId": "<a demo user>"}'},
                status_code=400,
            )
        try:
            users = {user.user_id: user for user in await _demo_users(database)}
        except (DatabaseUnavailable, Neo4jError):
            return JSONResponse(
                {"code": "UNAVAILABLE", "message": "the database is unavailable"}, status_code=503
            )
        user = users.get(wanted)
        if user is None:
            return JSONResponse(
                {"code": "NOT_FOUND", "message": f"no demo user '{wanted}'"}, status_code=404
            )
        seconds = settings.graph_api_dev_token_seconds
        token = mint_token(
            settings,
            user=user.user_id,
            agency=user.agency,
            roles=[Role(role) for role in user.roles],
            clearance=Classification(user.clearance),
            ttl_seconds=seconds,
        )
        return JSONResponse(
            {"token": token, "expiresIn": seconds, "user": asdict(user)},
            headers={"Cache-Control": "no-store"},
        )

    return router


async def _demo_users(database: Database) -> list[DemoUser]:
    records = await database.read(cypher_files.query("demo_agencies"), {"limit": _DEMO_AGENCIES})
    users = []
    for record in records:
        code, name = str(record["code"]), str(record["name"])
        for profile, roles, clearance in _DEMO_PROFILES:
            users.append(
                DemoUser(
                    user_id=f"{profile}.{code.lower()}",
                    agency=code,
                    agency_name=name,
                    roles=tuple(role.value for role in roles),
                    clearance=clearance.value,
                )
            )
    return users


def _inside(folder: Path, name: str) -> Path | None:
    """`folder/name` when it is a file inside `folder` (no way out through `..`)."""
    path = (folder / name).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        return None
    return path
