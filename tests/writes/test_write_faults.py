"""A known outcome for every write (issue 12, item 1): when the answer to a COMMIT is lost, the
API asks the database whether the change committed (its own audit record) and answers the real
result; only when it cannot learn that in time does it answer OUTCOME_UNKNOWN.

The faults come from a loopback proxy between the API and the test database
(`tests/loopback_proxy.py`), so the shared test instance itself is never stopped.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from loopback_proxy import proxied_serve

from .support import rows

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx
    import neo4j

    from graph_api.settings import Settings

ADD_ALIAS = """
mutation ($id: ID!, $alias: String!) { addAlias(offenderId: $id, alias: $alias) { version aliases } }
"""


def aliases(driver: neo4j.Driver, offender_id: str) -> list[str]:
    [found] = rows(
        driver, "MATCH (o:Offender {id: $id}) RETURN o.aliases AS aliases", id=offender_id
    )
    return list(found["aliases"] or [])


@pytest.fixture
def proxied(settings: Settings, serve: Callable[..., Any]) -> Callable[..., Any]:
    return proxied_serve(settings, serve)


async def add_alias(
    http: httpx.AsyncClient, token: str, offender_id: str, alias: str, key: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return await http.post(
        "/graphql",
        json={"query": ADD_ALIAS, "variables": {"id": offender_id, "alias": alias}},
        headers=headers,
    )


async def test_a_commit_whose_answer_is_lost_answers_what_was_written(
    proxied: Callable[..., Any],
    fresh: Callable[..., Any],
    token: Callable[..., str],
    driver: neo4j.Driver,
) -> None:
    offender = await fresh()
    async with proxied() as (proxy, http):
        proxy.drop_commit_reply()
        response = await add_alias(http, token(), offender["id"], "Lost Reply")
        assert proxy.faults == 1
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"addAlias": {"version": 2, "aliases": ["Lost Reply"]}}}
    assert aliases(driver, offender["id"]) == ["Lost Reply"]  # written once, and said so


async def test_a_commit_that_never_arrived_answers_unavailable_and_nothing_is_written(
    proxied: Callable[..., Any],
    fresh: Callable[..., Any],
    token: Callable[..., str],
    driver: neo4j.Driver,
) -> None:
    offender = await fresh()
    async with proxied() as (proxy, http):
        proxy.drop_commit()
        response = await add_alias(http, token(), offender["id"], "Never Sent")
        assert proxy.faults == 1
    assert response.status_code == 503
    assert response.headers["retry-after"]
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert "nothing was written" in error["message"]
    assert aliases(driver, offender["id"]) == []


async def test_an_outcome_that_cannot_be_learnt_says_so_and_a_keyed_retry_writes_once(
    proxied: Callable[..., Any],
    fresh: Callable[..., Any],
    token: Callable[..., str],
    driver: neo4j.Driver,
) -> None:
    """The database answers nobody after the lost COMMIT answer: OUTCOME_UNKNOWN, within the
    configured check time. Retried with the same Idempotency-Key once it is back, the first
    answer comes back and nothing is written twice."""
    offender = await fresh()
    async with proxied(graph_api_outcome_check_seconds=1.5) as (proxy, http):
        proxy.drop_commit_reply()

        async def lost() -> httpx.Response:
            return await add_alias(http, token(), offender["id"], "Unknown", key="k-unknown-1")

        attempt = asyncio.create_task(lost())
        while proxy.faults == 0:
            await asyncio.sleep(0.01)
        proxy.refuse()
        started = asyncio.get_running_loop().time()
        response = await attempt
        waited = asyncio.get_running_loop().time() - started
        assert response.status_code == 503, response.text
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "OUTCOME_UNKNOWN"
        assert "Idempotency-Key" in error["message"]
        assert waited < 5
        proxy.accept()
        retried = await add_alias(http, token(), offender["id"], "Unknown", key="k-unknown-1")
    assert retried.json() == {"data": {"addAlias": {"version": 2, "aliases": ["Unknown"]}}}
    assert aliases(driver, offender["id"]) == ["Unknown"]


async def test_a_commit_answer_held_past_the_deadline_is_settled_and_answered(
    proxied: Callable[..., Any],
    fresh: Callable[..., Any],
    token: Callable[..., str],
    driver: neo4j.Driver,
) -> None:
    """The database committed but its answer never comes while the connection stays open (a
    stall): the request's deadline ends the wait, and the check finds the change committed."""
    offender = await fresh()
    async with proxied(graph_api_request_deadline_seconds=1.5) as (proxy, http):
        proxy.hold_commit_reply()
        started = asyncio.get_running_loop().time()
        response = await add_alias(http, token(), offender["id"], "Held Reply")
        waited = asyncio.get_running_loop().time() - started
        assert proxy.faults == 1
    assert response.json() == {"data": {"addAlias": {"version": 2, "aliases": ["Held Reply"]}}}
    assert 1.5 <= waited < 4
    assert aliases(driver, offender["id"]) == ["Held Reply"]
