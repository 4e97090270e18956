"""Fixtures: a real Neo4j (the throwaway `test` instance, or NEO4J_URI), migrated and seeded."""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import pytest_asyncio

# Tests never touch the demo data: unless NEO4J_URI names a database, use the `test` instance.
os.environ.setdefault("GRAPH_API_LOCAL_INSTANCE", "test")
os.environ.setdefault("GRAPH_API_NEO4J_HEAP", "2g")
os.environ.setdefault("GRAPH_API_NEO4J_PAGECACHE", "1g")

from graph_api.app import create_app
from graph_api.db import LocalServer, migrate, open_sync_driver
from graph_api.domain import Classification, Role
from graph_api.identity import mint_token
from graph_api.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

    import neo4j

TINY_SEED = 7


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Test settings: the test instance, a fixed JWT secret, production mode.

    The request limits and the statement timeout are raised: the scope oracle checks ten
    offenders per request, with ~190 aliases and ~2,600 tokens, far beyond what a client needs.
    tests/schema/test_limits.py builds apps with the production defaults (and shows the documented queries fit them).
    """
    return Settings(
        graph_api_jwt_secret="test-secret-not-for-production-0123456789",  # type: ignore[arg-type]
        graph_api_max_aliases=1_000,
        graph_api_max_tokens=20_000,
        graph_api_max_cost=100_000_000,
        # The oracle's documents plan into statements far larger than a client's (ten offenders
        # with 24 link lists each); planning one cold on a busy 2-core machine can take >10 s.
        neo4j_query_timeout_seconds=60,
        graph_api_request_deadline_seconds=90,
    )


@pytest.fixture(scope="session")
def driver(settings: Settings) -> Iterator[neo4j.Driver]:
    """A sync driver to the migrated test database (the local server is started if needed)."""
    if settings.uses_local_server:
        LocalServer(settings).start()
    driver, target = open_sync_driver(settings)
    migrate(driver, target.database)
    yield driver
    driver.close()


@pytest.fixture(scope="session")
def database(settings: Settings) -> str:
    return settings.neo4j_database


@pytest.fixture(scope="session")
def tiny_graph(driver: neo4j.Driver, database: str) -> dict[str, Any]:
    """The `tiny` dataset (seed 7), loaded unless the database already holds exactly it."""
    import seed

    plan = seed.plan("tiny", None, TINY_SEED)
    records, _, _ = driver.execute_query(
        "MATCH (d:Dataset) RETURN d.seed AS seed, d.scale AS scale, d.offenders AS offenders",
        database_=database,
    )
    loaded = [dict(r) for r in records]
    wanted = {"seed": plan.seed, "scale": plan.scale, "offenders": plan.offenders}
    if loaded != [wanted]:
        if not seed.database_is_empty(driver, database):
            seed.clear(driver, database)
        seed.load(driver, database, plan)
    return wanted


@pytest.fixture(scope="session")
def mint(settings: Settings) -> Callable[..., str]:
    """Mint a test token: mint(agency, roles=..., clearance=..., purpose=...)."""

    def _mint(
        agency: str,
        roles: tuple[Role, ...] = (Role.ANALYST,),
        clearance: Classification = Classification.SECRET,
        purpose: str | None = "test",
        user: str = "tester",
        ttl_seconds: int = 600,
    ) -> str:
        return mint_token(
            settings,
            user=user,
            agency=agency,
            roles=list(roles),
            clearance=clearance,
            purpose=purpose,
            ttl_seconds=ttl_seconds,
        )

    return _mint


@pytest_asyncio.fixture(scope="session")
async def client(settings: Settings, driver: neo4j.Driver) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process (ASGI), over the real test database."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
        yield http
    await app.state.database.close()


@pytest.fixture(scope="session")
def serve(
    settings: Settings, driver: neo4j.Driver
) -> Callable[..., contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]:
    """`async with serve(**settings) as http:` an app of its own, with production defaults
    (request limits included) except for the given settings, and the test JWT secret."""

    @contextlib.asynccontextmanager
    async def _serve(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        own = Settings(graph_api_jwt_secret=settings.graph_api_jwt_secret, **overrides)
        app = create_app(own)
        # App errors become 500 responses, as a real server sends them, so tests see the body.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
                yield http
        finally:
            await app.state.database.close()

    return _serve


@pytest.fixture(scope="session")
def graphql(client: httpx.AsyncClient) -> Callable[..., Any]:
    """POST a GraphQL document: await graphql(query, variables=None, token=None) -> JSON body."""

    async def _post(
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )
        # A request refused before any GraphQL work (no identity: 401; a purpose over its
        # limit: 400) or that the database could serve nothing of (503, with Retry-After)
        # still answers a GraphQL-shaped body.
        refused = response.status_code in {400, 401, 503} and "errors" in response.json()
        assert response.status_code == 200 or refused, response.text
        assert response.status_code != 503 or response.headers["retry-after"]
        body: dict[str, Any] = response.json()
        return body

    return _post


#: Fixtures that reach the test database: a test using any of them (directly or through
#: another fixture) is marked `neo4j`; `pytest -m "not neo4j"` (`make unit`) runs the rest
#: without a database.
_DATABASE_FIXTURES = frozenset({"driver", "database", "tiny_graph", "client", "serve"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks the tests that need Neo4j; `slow` tests (long generated proofs) run only when
    selected: `pytest -m slow`."""
    for item in items:
        if _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)
    if "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="long mode: select it with `pytest -m slow`")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
