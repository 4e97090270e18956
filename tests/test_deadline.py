"""Deadlines kept by the API itself (issue 12, item 2): a stalled database (a loopback proxy
that stops forwarding, as a Neo4j process stopped with SIGSTOP looks to its clients) costs a
request its deadline and no more, /readyz answers within a second and says not ready, and the
API serves again as soon as the database answers. Outages answer 503 with Retry-After."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

import pytest
from loopback_proxy import proxied_serve

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

    from graph_api.settings import Settings

OFFENDER = "query ($id: ID!) { offender(id: $id) { id surname addresses { edges { from } } } }"
DEADLINE = 1.5


@pytest.fixture
def proxied(settings: Settings, serve: Callable[..., Any]) -> Callable[..., Any]:
    return proxied_serve(settings, serve)


@pytest.fixture
def met_offender(driver: neo4j.Driver, tiny_graph: dict[str, Any]) -> str:
    """An offender of the tiny dataset that MET manages."""
    del tiny_graph
    records, _, _ = driver.execute_query(
        "MATCH (o:Offender {managingAgency: 'MET'}) RETURN o.id AS id ORDER BY id LIMIT 1"
    )
    return str(records[0]["id"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_stalled_database_costs_a_request_its_deadline_and_no_more(
    proxied: Callable[..., Any], mint: Callable[..., str], met_offender: str
) -> None:
    ask = {"query": OFFENDER, "variables": {"id": met_offender}}
    headers = bearer(mint("MET"))
    async with proxied(graph_api_request_deadline_seconds=DEADLINE) as (proxy, http):
        for _ in range(5):  # a test database started a moment ago may plan for longer
            first = await http.post("/graphql", json=ask, headers=headers)
            if first.status_code == 200:
                break
        assert first.status_code == 200, first.text
        proxy.stall()
        started = time.monotonic()
        answers = await asyncio.gather(
            *(http.post("/graphql", json=ask, headers=headers) for _ in range(8))
        )
        waited = time.monotonic() - started
        for response in answers:
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"] == "2"
            [error] = response.json()["errors"]
            assert error["extensions"]["code"] == "UNAVAILABLE"
            assert f"deadline of {DEADLINE:g} s" in error["message"]
        assert DEADLINE <= waited < DEADLINE + 2

        started = time.monotonic()
        ready = await http.get("/readyz")
        assert ready.status_code == 503
        assert time.monotonic() - started < 1.5

        proxy.resume()
        recovered = await http.post("/graphql", json=ask, headers=headers)
        assert recovered.status_code == 200, recovered.text
        assert recovered.json()["data"]["offender"]["id"] == met_offender
        # Ready again once the rehearsal of the remembered statements is over (it starts when
        # the database answers again, so it may still be running at the first success).
        for _ in range(50):
            if (await http.get("/readyz")).status_code == 200:
                break
            await asyncio.sleep(0.1)
        assert (await http.get("/readyz")).status_code == 200


async def test_a_database_that_is_down_is_503_with_retry_after(
    proxied: Callable[..., Any], mint: Callable[..., str], met_offender: str
) -> None:
    ask = {"query": OFFENDER, "variables": {"id": met_offender}}
    async with proxied(graph_api_request_deadline_seconds=DEADLINE) as (proxy, http):
        assert (await http.post("/graphql", json=ask, headers=bearer(mint("MET")))).is_success
        proxy.refuse()
        started = time.monotonic()
        response = await http.post("/graphql", json=ask, headers=bearer(mint("MET")))
        assert time.monotonic() - started < DEADLINE + 1
        assert response.status_code == 503
        assert response.headers["retry-after"] == "2"
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
        assert (await http.get("/readyz")).status_code == 503
        # A request that needs no database is answered as ever.
        me = await http.post(
            "/graphql", json={"query": "{ me { userId } }"}, headers=bearer(mint("MET"))
        )
        assert me.json() == {"data": {"me": {"userId": "tester"}}}
        proxy.accept()
        assert (await http.post("/graphql", json=ask, headers=bearer(mint("MET")))).is_success
