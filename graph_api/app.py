"""The FastAPI application: health, readiness and GraphQL at /graphql."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter

from graph_api.db import Database
from graph_api.errors import ApiError
from graph_api.identity import principal_from_header
from graph_api.schema import build_schema
from graph_api.schema.context import RequestContext
from graph_api.settings import Settings, get_settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application. The driver connects lazily, so this works while Neo4j is down."""
    settings = settings or get_settings()
    database = Database.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await database.close()

    app = FastAPI(
        title="Offender Graph API",
        lifespan=lifespan,
        docs_url="/docs" if settings.graph_api_dev_mode else None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.graph_api_dev_mode else None,
    )
    app.state.database = database

    async def context(request: Request) -> RequestContext:
        try:
            principal: object = principal_from_header(
                settings, request.headers.get("authorization"), request.headers.get("x-purpose")
            )
        except ApiError as error:
            principal = error
        return RequestContext(
            database=database,
            settings=settings,
            request_id=request.headers.get("x-request-id") or uuid.uuid4().hex,
            principal_or_error=principal,  # type: ignore[arg-type]
        )

    graphql = GraphQLRouter(
        build_schema(settings),
        context_getter=context,
        graphql_ide="graphiql" if settings.graph_api_dev_mode else None,
        allow_queries_via_get=False,
    )
    app.include_router(graphql, prefix="/graphql")

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
