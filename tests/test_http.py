"""The HTTP surface (graph_api/http_guard.py and the GraphQL router): body limit, security
headers, CORS from configuration, no batching, and development-only features."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from graphql import get_introspection_query

from graph_api.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

ME = {"query": "{ me { userId } }"}
STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- body size --------------------------------------------------------------------------------


def too_large(response: Any, limit: int) -> None:
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert f"body size limit of {limit} bytes" in error["message"]


async def test_a_body_over_the_limit_is_413(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    padding: dict[str, Any] = {"query": "{ me { userId } }", "variables": {"pad": "x" * 1_900}}
    async with serve(graph_api_max_body_bytes=2_048) as http:
        assert (await http.post("/graphql", json=padding, headers=bearer(mint("MET")))).is_success
        padding["variables"]["pad"] = "x" * 2_100
        too_large(await http.post("/graphql", json=padding, headers=bearer(mint("MET"))), 2_048)


async def test_a_streamed_body_is_counted_as_it_arrives(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    """No Content-Length to trust: the guard counts the chunks and stops at the limit."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b" " * 500

    async with serve(graph_api_max_body_bytes=2_048) as http:
        response = await http.post(
            "/graphql",
            content=chunks(),
            headers={"Content-Type": "application/json", **bearer(mint("MET"))},
        )
    too_large(response, 2_048)


# --- batching -------------------------------------------------------------------------------


async def test_batching_is_off(serve: Callable[..., Any], mint: Callable[..., str]) -> None:
    """A JSON array of operations is refused whole: one request, one operation."""
    async with serve() as http:
        response = await http.post("/graphql", json=[ME, ME], headers=bearer(mint("MET")))
        assert response.status_code == 400
        assert "Batching is not enabled" in response.text
        single = await http.post("/graphql", json=ME, headers=bearer(mint("MET")))
    assert single.json() == {"data": {"me": {"userId": "tester"}}}


# --- security headers ---------------------------------------------------------------------


async def test_security_headers_outside_development(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    async with serve() as http:
        graphql = await http.post("/graphql", json=ME, headers=bearer(mint("MET")))
        health = await http.get("/healthz")
        missing = await http.get("/nowhere")
    for response in (graphql, health, missing):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"] == STRICT_CSP
    assert graphql.headers["cache-control"] == "no-store"


async def test_development_mode_serves_graphiql_from_this_origin(serve: Callable[..., Any]) -> None:
    """GraphiQL is bundled (graph_api/web.py): its page may load from this origin only."""
    async with serve(graph_api_dev_mode=True) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    assert "script-src 'self';" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


# --- CORS ---------------------------------------------------------------------------------

ALLOWED = "https://case-tool.example"


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-purpose",
    }


async def test_cors_preflight_for_a_configured_origin(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    async with serve(graph_api_cors_origins=f"{ALLOWED}, https://other.example") as http:
        allowed = await http.options("/graphql", headers=preflight(ALLOWED))
        refused = await http.options("/graphql", headers=preflight("https://evil.example"))
        simple = await http.post(
            "/graphql", json=ME, headers={**bearer(mint("MET")), "Origin": ALLOWED}
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in allowed.headers  # tokens, not cookies
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert simple.headers["access-control-allow-origin"] == ALLOWED


async def test_no_cors_unless_configured(serve: Callable[..., Any]) -> None:
    async with serve() as http:
        response = await http.options("/graphql", headers=preflight(ALLOWED))
        simple = await http.post("/graphql", json=ME, headers={"Origin": ALLOWED})
    assert response.status_code != 200
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in simple.headers


def test_cors_origins_come_comma_separated_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().graph_api_cors_origins == ()
    monkeypatch.setenv("GRAPH_API_CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings().graph_api_cors_origins == ("https://a.example", "https://b.example")


# --- development-only features ---------------------------------------------------------------


@pytest.mark.parametrize("development", [False, True])
async def test_introspection_graphiql_and_suggestions_only_in_development(
    serve: Callable[..., Any], mint: Callable[..., str], development: bool
) -> None:
    async with serve(graph_api_dev_mode=development) as http:
        token = bearer(mint("MET"))
        schema = await http.post(
            "/graphql", json={"query": "{ __schema { queryType { name } } }"}, headers=token
        )
        typo = await http.post("/graphql", json={"query": "{ agencie { code } }"}, headers=token)
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        full = await http.post(
            "/graphql", json={"query": get_introspection_query(descriptions=True)}, headers=token
        )
    [typo_error] = typo.json()["errors"]
    assert typo_error["extensions"]["code"] == "BAD_USER_INPUT"
    if development:
        assert schema.json()["data"] == {"__schema": {"queryType": {"name": "Query"}}}
        assert "errors" not in full.json(), full.text  # GraphiQL's own query fits the limits
        assert "Did you mean" in typo_error["message"]
        assert page.status_code == 200
    else:
        assert schema.json()["data"] is None
        assert schema.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "Did you mean" not in typo_error["message"]
        assert page.status_code == 404
