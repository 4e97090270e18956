"""The FastAPI application: health, readiness and GraphQL at /graphql (HTTP, and subscriptions
over a graphql-transport-ws WebSocket), behind the HTTP guard."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import uuid
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import orjson
from cross_web import HTTPException
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from neo4j.exceptions import Neo4jError
from starlette.requests import Request
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET

from graph_api import cypher_files, events
from graph_api.client_guard import install_body_read_deadline
from graph_api.db import Database, DatabaseUnavailable
from graph_api.deadline import install_request_deadline
from graph_api.errors import ApiError, Unauthenticated, Unavailable
from graph_api.http_guard import correlation_id, install_http_guard, request_id
from graph_api.identity import AgencyRegistry, Principal, principal_from_header, token_expiry
from graph_api.metrics import metrics_response
from graph_api.pack import pack_routes
from graph_api.photos import photo_routes
from graph_api.request_body import MalformedBody, decode_body
from graph_api.request_log import RequestObserver, observation
from graph_api.schema import RegisterSchema, build_schema
from graph_api.schema.context import ConnectionContext, RequestContext
from graph_api.settings import Settings, get_settings
from graph_api.trusted_documents import DocumentRefused, TrustedDocuments
from graph_api.web import web_routes
from graph_api.websocket import RegisterSocket

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from starlette.responses import Response
    from starlette.types import ASGIApp, Receive, Scope, Send
    from strawberry.http import GraphQLHTTPResponse
    from strawberry.types import ExecutionResult


#: HTTP status of a request refused before any GraphQL work, by the error's code.
_REFUSAL_STATUS = {"UNAUTHENTICATED": 401, "UNAVAILABLE": 503, "BAD_USER_INPUT": 400}

#: Codes that mean "the database could not be used, try again": a request whose every error
#: is one of them, with no data, is answered HTTP 503 with Retry-After.
_RETRY_CODES = frozenset({"UNAVAILABLE", "OUTCOME_UNKNOWN"})
RETRY_AFTER_SECONDS = 2
_REFUSAL_HEADERS = {
    401: {"WWW-Authenticate": "Bearer"},
    503: {"Retry-After": str(RETRY_AFTER_SECONDS)},
}

#: /readyz answers within this many seconds whatever the database does.
READINESS_SECONDS = 0.9


class GraphQLEndpoint(GraphQL[RequestContext, None]):
    """Strawberry's ASGI view on a plain Starlette route.

    Strawberry's FastAPI router resolves its context through FastAPI's dependency injection on
    every request; the plain view skips that machinery (measured: about 0.4 ms of CPU per
    request) and is otherwise the same view. WebSockets speak graphql-transport-ws only
    (`graph_api.websocket`).
    """

    graphql_transport_ws_handler_class = RegisterSocket  # type: ignore[assignment]

    def __init__(
        self,
        schema: RegisterSchema,
        context: Callable[[Request], Awaitable[RequestContext]],
        socket_context: Callable[[WebSocket], ConnectionContext],
        trusted: TrustedDocuments,
        **options: Any,
    ) -> None:
        super().__init__(schema, **options)
        self._context = context
        self._socket_context = socket_context
        self.trusted = trusted

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """A document that cannot be run (`graph_api.trusted_documents`) is refused with its
        code, as a GraphQL error (HTTP 400)."""
        try:
            return await super().run(request, context, root_value)
        except DocumentRefused as refusal:
            seen = observation(request.scope)
            if seen is not None:
                seen.code = refusal.code
            body = {"data": None, "errors": [refusal.error(request_id(request))]}
            return JSONResponse(body, status_code=refusal.status_code)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        if isinstance(request, WebSocket):  # one context per socket, identified at its init
            return self._socket_context(request)
        context = await self._context(request)
        seen = observation(request.scope)
        if seen is not None:
            seen.request_id = context.request_id
        return context

    def encode_json(self, data: object) -> str:
        """Answers (HTTP bodies and WebSocket messages) encoded by orjson: a page of 50
        offenders 142 -> 7 us, a network of depth 2 37 -> 3 us. Text, not bytes, so WebSocket
        messages stay text frames as graphql-transport-ws requires."""
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        """Malformed bodies are the client's error (400), never a 500 or a dropped connection."""
        try:
            body = decode_body(data)
        except MalformedBody as error:
            raise HTTPException(400, str(error)) from None
        return self.trusted.resolve(body)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        seen = observation(request.scope)
        if seen is not None:
            codes = _error_codes(response)
            seen.code = codes[0] if codes else "OK"
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """GraphQL answers go out as 200 (GraphQL-over-HTTP with `application/json`), except a
        request the database could not serve at all: 503 with Retry-After, so proxies, load
        balancers and operators see the outage."""
        response = super().create_response(response_data, sub_response)
        if isinstance(response_data, dict) and _wholly_unavailable(response_data):
            response.status_code = 503
            response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
        return response


def _error_codes(response: GraphQLHTTPResponse) -> list[str]:
    """The `extensions.code` of each error, in order."""
    codes = []
    for error in response.get("errors") or []:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        codes.append(str(extensions.get("code")) if isinstance(extensions, dict) else "-")
    return codes


def _wholly_unavailable(response: GraphQLHTTPResponse) -> bool:
    """No root field has a value and every error says the database could not be used."""
    codes = _error_codes(response)
    data = response.get("data")
    return (
        bool(codes)
        and all(code in _RETRY_CODES for code in codes)
        and (data is None or all(value is None for value in data.values()))
    )


class IdentifiedFirst:
    """`/graphql`, with the caller identified before the document is parsed or validated.

    A POST without a valid identity is answered at once (401, or 503 while the agency list
    cannot be read, or 400 for a purpose over its limit): no GraphQL work is done for a
    caller who is nobody, so a document built to be slow costs them nothing to refuse.
    (An ASGI app rather than a function, so that Starlette's route hands it the raw request.)
    """

    def __init__(
        self, graphql: ASGIApp, identify: Callable[[Request], Awaitable[Principal | ApiError]]
    ) -> None:
        self.graphql = graphql
        self.identify = identify

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            request = Request(scope, receive)
            principal = await self.identify(request)
            if isinstance(principal, ApiError):
                seen = observation(scope)
                if seen is not None:  # for the access log and the metrics
                    seen.request_id, seen.code = request_id(request), principal.code
                status = _REFUSAL_STATUS.get(principal.code, 400)
                extensions = {"code": principal.code, "requestId": request_id(request)}
                body = {
                    "data": None,
                    "errors": [{"message": principal.message, "extensions": extensions}],
                }
                response = JSONResponse(
                    body, status_code=status, headers=_REFUSAL_HEADERS.get(status)
                )
                await response(scope, receive, send)
                return
            scope["state"]["principal"] = principal
        await self.graphql(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application. The driver connects lazily, so this works while Neo4j is down."""
    settings = settings or get_settings()
    database = Database.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The trusted documents' statements are planned before /readyz says ready.
        await trusted.declare_plans(schema, database, settings)
        # What exists now (modules, the schema, the driver) lives as long as the process:
        # frozen, the collector's full passes skip it. Unfrozen, each full pass walked some
        # 110,000 objects for 60-80 ms, the p99 of every request in flight meanwhile.
        gc.collect()
        gc.freeze()
        yield
        await events.hub(database, settings).feed.close()
        await database.close()

    app = FastAPI(
        title="Offender Graph API",
        lifespan=lifespan,
        docs_url=None,  # the docs page is local (graph_api/web.py), not Swagger from a CDN
        redoc_url=None,
        openapi_url="/openapi.json" if settings.graph_api_dev_mode else None,
    )
    app.state.database = database
    # Innermost first: the deadline wraps the routes, the observer wraps everything.
    install_request_deadline(app, settings)
    install_http_guard(app, settings)
    install_body_read_deadline(app, settings)
    app.add_middleware(RequestObserver)

    async def known_agencies() -> set[str]:
        records = await database.read(cypher_files.query("agencies"))
        return {record["agency"]["code"] for record in records}

    agencies = AgencyRegistry(known_agencies)

    async def identify(request: Request) -> Principal:
        return await identify_credentials(
            request.headers.get("authorization"), request.headers.get("x-purpose")
        )

    async def identify_credentials(authorization: str | None, purpose: str | None) -> Principal:
        if settings.graph_api_jwks_url:  # fetching keys blocks: keep it off the event loop
            principal = await asyncio.to_thread(
                principal_from_header, settings, authorization, purpose
            )
        else:
            principal = principal_from_header(settings, authorization, purpose)
        return await agencies.check(principal)

    async def principal_or_error(request: Request) -> Principal | ApiError:
        try:
            return await identify(request)
        except ApiError as error:
            return error
        except (DatabaseUnavailable, Neo4jError):  # the agency list could not be read
            return Unavailable("the database is unavailable; try again shortly")

    async def context(request: Request) -> RequestContext:
        """The request's context: its Principal (identified before any GraphQL work; GET
        requests carry none) and its ids."""
        principal = request.scope.get("state", {}).get("principal")
        return RequestContext(
            request=request,
            database=database,
            settings=settings,
            request_id=request_id(request),
            correlation_id=correlation_id(request),
            principal_or_error=principal
            or Unauthenticated("no bearer token; send `Authorization: Bearer <token>`"),
        )

    async def identify_socket(payload: dict[str, Any]) -> tuple[Principal, float | None]:
        """A socket's `connection_init` payload, verified as HTTP headers are: `authorization`
        (`Bearer <token>`) and `purpose`, as `Authorization` and `X-Purpose`."""
        authorization, purpose = payload.get("authorization"), payload.get("purpose")
        if not isinstance(authorization, str) or not isinstance(purpose, str | None):
            raise Unauthenticated(
                'send {"authorization": "Bearer <token>", "purpose": "..."} in connection_init'
            )
        try:
            principal = await identify_credentials(authorization, purpose)
        except (DatabaseUnavailable, Neo4jError):
            raise Unavailable("the database is unavailable; try again shortly") from None
        return principal, token_expiry(authorization)

    def socket_context(websocket: WebSocket) -> ConnectionContext:
        return ConnectionContext(
            request=websocket,
            database=database,
            settings=settings,
            request_id="ws-" + uuid.uuid4().hex,
            principal_or_error=Unauthenticated("the connection is not initialised"),
            identify=identify_socket,
        )

    # The explorer's pages first: in development mode they answer GET /graphql with GraphiQL.
    app.include_router(web_routes(settings, database))
    schema = build_schema(settings)
    trusted = TrustedDocuments.from_settings(settings)
    graphql = GraphQLEndpoint(
        schema,
        context,
        socket_context,
        trusted,
        graphql_ide=None,  # GraphiQL is served from local files by graph_api/web.py
        allow_queries_via_get=False,
        # graphql-transport-ws only: the old graphql-ws lets a client subscribe uninitialised.
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=dt.timedelta(seconds=10),
        max_subscriptions_per_connection=None,  # ours, with a coded error (RegisterSocket)
        allowed_origins=settings.graph_api_cors_origins,
    )
    app.router.routes.append(
        Route("/graphql", IdentifiedFirst(graphql, principal_or_error), methods=["GET", "POST"])
    )
    app.router.routes.append(WebSocketRoute("/graphql", graphql))
    app.include_router(photo_routes(settings, database, identify))
    # The meeting pack is a client of the same schema (one query, then rendering).
    app.include_router(pack_routes(settings, database, schema, identify))

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """The process is alive (says nothing about the database)."""
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        """Ready to serve: the database answers within a second, and after it was lost, the
        most used statements are planned again. 503 while not (down, unreachable, stalled, or
        warming up), answered within a second all the same."""
        answers = await database.ping(within=READINESS_SECONDS)
        if answers and not database.warming:
            return JSONResponse({"status": "ready"})
        return JSONResponse(
            {"status": "warming up" if answers else "database unavailable"},
            status_code=503,
            headers={"retry-after": str(RETRY_AFTER_SECONDS)},
        )

    if settings.graph_api_metrics_enabled:

        async def metrics(_: Request) -> Response:
            """Prometheus metrics (`graph_api/metrics.py`)."""
            return metrics_response()

        app.router.routes.append(Route("/metrics", metrics, methods=["GET"]))

    return app
