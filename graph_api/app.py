"""The FastAPI application: health, readiness and GraphQL at /graphql, behind the HTTP guard."""

from __future__ import annotations

import asyncio
import gc
import re
import uuid
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from neo4j.exceptions import Neo4jError
from starlette.requests import Request
from starlette.routing import Route
from strawberry.asgi import GraphQL

from graph_api import cypher_files
from graph_api.db import Database, DatabaseUnavailable
from graph_api.errors import ApiError, Unavailable
from graph_api.http_guard import install_http_guard
from graph_api.identity import AgencyRegistry, Principal, principal_from_header
from graph_api.photos import photo_routes
from graph_api.schema import RegisterSchema, build_schema
from graph_api.schema.context import RequestContext
from graph_api.settings import Settings, get_settings
from graph_api.web import web_routes

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from starlette.responses import Response
    from starlette.websockets import WebSocket


#: A client may name its request (for tracing) with a short, plain id; anything else is replaced.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class GraphQLEndpoint(GraphQL[RequestContext, None]):
    """Strawberry's ASGI view on a plain Starlette route.

    Strawberry's FastAPI router resolves its context through FastAPI's dependency injection on
    every request; the plain view skips that machinery (measured: about 0.4 ms of CPU per
    request) and is otherwise the same view.
    """

    def __init__(
        self,
        schema: RegisterSchema,
        context: Callable[[Request], Awaitable[RequestContext]],
        **options: Any,
    ) -> None:
        super().__init__(schema, **options)
        self._context = context

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        if not isinstance(request, Request):  # no WebSocket protocol is offered
            raise TypeError("GraphQL over WebSocket is not served")
        return await self._context(request)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application. The driver connects lazily, so this works while Neo4j is down."""
    settings = settings or get_settings()
    database = Database.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # What exists now (modules, the schema, the driver) lives as long as the process:
        # frozen, the collector's full passes skip it. Unfrozen, each full pass walked some
        # 110,000 objects for 60-80 ms, the p99 of every request in flight meanwhile.
        gc.collect()
        gc.freeze()
        yield
        await database.close()

    app = FastAPI(
        title="Offender Graph API",
        lifespan=lifespan,
        docs_url=None,  # the docs page is local (graph_api/web.py), not Swagger from a CDN
        redoc_url=None,
        openapi_url="/openapi.json" if settings.graph_api_dev_mode else None,
    )
    app.state.database = database
    install_http_guard(app, settings)

    async def known_agencies() -> set[str]:
        records = await database.read(cypher_files.query("agencies"))
        return {record["agency"]["code"] for record in records}

    agencies = AgencyRegistry(known_agencies)

    async def identify(request: Request) -> Principal:
        authorization = request.headers.get("authorization")
        purpose = request.headers.get("x-purpose")
        if settings.graph_api_jwks_url:  # fetching keys blocks: keep it off the event loop
            principal = await asyncio.to_thread(
                principal_from_header, settings, authorization, purpose
            )
        else:
            principal = principal_from_header(settings, authorization, purpose)
        return await agencies.check(principal)

    async def context(request: Request) -> RequestContext:
        """The request's context: its Principal (or why it has none) and its request id."""
        try:
            principal: Principal | ApiError = await identify(request)
        except ApiError as error:
            principal = error
        except (DatabaseUnavailable, Neo4jError):  # the agency list could not be read
            principal = Unavailable("the database is unavailable; try again shortly")
        supplied_id = request.headers.get("x-request-id", "")
        return RequestContext(
            request=request,
            database=database,
            settings=settings,
            request_id=supplied_id if _REQUEST_ID.fullmatch(supplied_id) else uuid.uuid4().hex,
            principal_or_error=principal,
        )

    # The explorer's pages first: in development mode they answer GET /graphql with GraphiQL.
    app.include_router(web_routes(settings, database))
    graphql = GraphQLEndpoint(
        build_schema(settings),
        context,
        graphql_ide=None,  # GraphiQL is served from local files by graph_api/web.py
        allow_queries_via_get=False,
        # No subscriptions: no WebSocket protocol is offered, so no socket can skip identity.
        subscription_protocols=(),
    )
    app.router.routes.append(Route("/graphql", graphql, methods=["GET", "POST"]))
    app.include_router(photo_routes(settings, database, identify))

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """The process is alive (says nothing about the database)."""
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        """Ready to serve: the database answers. 503 while it does not."""
        if await database.ping():
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "database unavailable"}, status_code=503)

    return app
