"""The served endpoint: health, readiness, and a GraphQL query that really reads Neo4j."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from graph_api.app import create_app
from graph_api.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


async def test_readyz_is_503_while_the_database_is_unreachable() -> None:
    settings = Settings(neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x")
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api"
    ) as c:
        response = await c.get("/readyz")
    await app.state.database.close()
    assert response.status_code == 503


async def test_agencies_are_read_from_neo4j(
    graphql: Callable[..., Any], mint: Callable[..., str], tiny_graph: dict[str, Any]
) -> None:
    body = await graphql("{ agencies { code name kind } }", token=mint("MET"))
    assert "errors" not in body, body
    codes = {agency["code"] for agency in body["data"]["agencies"]}
    assert "MET" in codes
    kinds = {agency["kind"] for agency in body["data"]["agencies"]}
    assert kinds == {"POLICE", "PROBATION", "PRISON", "NCA", "DUTY_TO_COOPERATE"}
    police = [a for a in body["data"]["agencies"] if a["kind"] == "POLICE"]
    assert len(police) == 43


async def test_me_without_a_token_is_unauthenticated(graphql: Callable[..., Any]) -> None:
    body = await graphql("{ me { userId } }")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_me_reflects_the_token(graphql: Callable[..., Any], mint: Callable[..., str]) -> None:
    body = await graphql("{ me { userId agency clearance purpose } }", token=mint("MET", user="u7"))
    assert body["data"]["me"] == {
        "userId": "u7", "agency": "MET", "clearance": "SECRET", "purpose": "test"
    }  # fmt: skip


async def test_introspection_is_off_outside_development(graphql: Callable[..., Any]) -> None:
    body = await graphql("{ __schema { types { name } } }")
    assert body.get("data") is None
    assert body["errors"]
