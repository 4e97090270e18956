"""Subscriptions (issue 15): change events pushed over graphql-transport-ws, each checked
against the receiving principal's policy when it is delivered (tested against the oracle)."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import pytest
import websockets
from policy_oracle import PolicyOracle, RawGraph, Viewer
from writes.support import CREATE, OUTSIDER, OWNER, PARTNER, offender_input

from graph_api.domain import Classification, Role

from .support import (
    AGENCY_CHANGES,
    CHANGES,
    INTELLIGENCE,
    PROTOCOL,
    intelligence,
    receive,
    served,
    silent,
    socket_to,
    subscribe,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j
    from websockets.asyncio.client import ClientConnection

    from graph_api.settings import Settings

SHARE = """
mutation ($o: ID!, $a: String!, $c: Classification!) {
  shareOffender(offenderId: $o, agency: $a, ceiling: $c, mode: READ, justification: "test") { id }
}
"""
REVOKE = "mutation ($o: ID!, $a: String!) { revokeShare(offenderId: $o, agency: $a) { id } }"


@pytest.fixture
def writer(mint: Callable[..., str]) -> str:
    return mint(OWNER, roles=(Role.OFFENDER_MANAGER, Role.SUPERVISOR), user="owner-writer")


@pytest.fixture
def create(graphql: Callable[..., Any], writer: str) -> Callable[..., Any]:
    async def _create() -> str:
        body = await graphql(CREATE, {"input": offender_input()}, token=writer)
        assert "errors" not in body, body
        offender: str = body["data"]["createOffender"]["id"]
        return offender

    return _create


async def _ok(
    graphql: Callable[..., Any], query: str, variables: dict[str, Any], token: str
) -> Any:
    body = await graphql(query, variables, token=token)
    assert "errors" not in body, body
    return body["data"]


async def _collect(ws: ClientConnection, field: str, into: list[dict[str, Any]]) -> None:
    while True:
        message = await receive(ws, within=3600)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        into.append(message["payload"]["data"][field])


async def test_an_event_reaches_a_subscriber_of_its_offender_and_is_audited(
    settings: Settings,
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    writer: str,
    create: Callable[..., Any],
    driver: neo4j.Driver,
) -> None:
    offender = await create()
    subscriber = mint(OWNER, user="audited-subscriber", purpose="case review")
    async with served(settings) as url, socket_to(url, subscriber, purpose="live case") as ws:
        await subscribe(ws, CHANGES, {"ids": [offender]})
        await asyncio.sleep(0.3)
        await _ok(graphql, INTELLIGENCE, {"input": intelligence(offender)}, writer)
        message = await receive(ws)
        assert message["type"] == "next", message
        event = message["payload"]["data"]["offenderChanges"]
        assert event["kind"] == "addIntelligence"
        assert event["offenderId"] == offender
        assert event["agency"] == {"code": OWNER}
        assert event["offender"]["__typename"] == "Offender"
        texts = [e["intelligence"]["text"] for e in event["offender"]["intelligence"]["edges"]]
        assert "seen at the docks" in texts
        [changed] = event["ids"]
        assert changed.startswith("int_")
    # The delivery is in the subscriber's audit record, with the socket's purpose.
    records, _, _ = driver.execute_query(
        "MATCH (a:AuditRecord {userId: 'audited-subscriber'})-[c:CONCERNS]->(:Offender {id: $id}) "
        "RETURN a.fields AS fields, a.purpose AS purpose, c.disclosure AS disclosure",
        id=offender,
    )
    assert [r.data() for r in records] == [
        {"fields": ["offenderChanges"], "purpose": "live case", "disclosure": "FULL"}
    ]


async def test_each_subscriber_receives_what_the_oracle_says_and_a_revoked_share_stops_it(
    settings: Settings,
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    writer: str,
    create: Callable[..., Any],
    driver: neo4j.Driver,
    database: str,
) -> None:
    """Managing agency (SECRET and OFFICIAL clearance), a partner with an OFFICIAL share, an
    agency with none: each receives exactly the events the oracle says it may see, and after
    the share is revoked the partner receives nothing more."""
    offender, other = await create(), await create()
    await _ok(graphql, SHARE, {"o": offender, "a": PARTNER, "c": "OFFICIAL"}, writer)
    viewers = {
        "owner": (Viewer(OWNER), mint(OWNER)),
        "owner-official": (
            Viewer(OWNER, Classification.OFFICIAL),
            mint(OWNER, clearance=Classification.OFFICIAL),
        ),
        "partner": (Viewer(PARTNER), mint(PARTNER)),
        "outsider": (Viewer(OUTSIDER), mint(OUTSIDER)),
    }
    received: dict[str, list[dict[str, Any]]] = {name: [] for name in viewers}
    async with served(settings) as url:
        sockets = [socket_to(url, token, purpose="oracle") for _, token in viewers.values()]
        connections = [await s.__aenter__() for s in sockets]
        try:
            for ws in connections:
                await subscribe(ws, AGENCY_CHANGES, {})
            tasks = [
                asyncio.create_task(_collect(ws, "myAgencyChanges", received[name]))
                for name, ws in zip(viewers, connections, strict=True)
            ]
            await asyncio.sleep(0.5)
            start = _head(driver, database)
            for offender_id in (offender, other):
                for level in ("OFFICIAL", "SECRET"):
                    await _ok(
                        graphql,
                        INTELLIGENCE,
                        {"input": intelligence(offender_id, classification=level)},
                        writer,
                    )
            written = await _events(driver, database, start)
            graph = await asyncio.to_thread(RawGraph.load, driver, database)  # off the loop
            expected = {
                name: [str(e["seq"]) for e in written if PolicyOracle(graph, viewer).receives(e)]
                for name, (viewer, _) in viewers.items()
            }
            # Delivered within seconds (the first delivery plans its statement cold), then
            # nothing more arrives.
            for _ in range(100):
                if all(len(received[n]) >= len(expected[n]) for n in viewers):
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(1.0)
            for task in tasks:
                if task.done():
                    task.result()  # a subscriber's failure, as it happened
            for name in viewers:
                assert [e["cursor"] for e in received[name]] == expected[name], name
            assert received["partner"], "the partner sees the OFFICIAL intelligence it shares"
            assert all(e["offenderId"] == offender for e in received["partner"])
            assert not received["outsider"]

            # Revoked a moment ago: the next change is not delivered to the partner.
            await _ok(graphql, REVOKE, {"o": offender, "a": PARTNER}, writer)
            before = len(received["partner"])
            await _ok(graphql, INTELLIGENCE, {"input": intelligence(offender)}, writer)
            for _ in range(100):
                if received["owner"][-1]["kind"] == "addIntelligence":
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(1.0)
            assert len(received["partner"]) == before
            graph = await asyncio.to_thread(RawGraph.load, driver, database)  # off the loop
            late = (await _events(driver, database, start))[len(written) :]
            assert not any(PolicyOracle(graph, viewers["partner"][0]).receives(e) for e in late)
            assert [e["kind"] for e in received["owner"][-2:]] == ["revokeShare", "addIntelligence"]
            for task in tasks:
                task.cancel()
        finally:
            for s in sockets:
                await s.__aexit__(None, None, None)


def _head(driver: neo4j.Driver, database: str) -> int:
    records, _, _ = driver.execute_query(
        "OPTIONAL MATCH (s:EventSequence) RETURN coalesce(s.last, 0) AS last", database_=database
    )
    return int(records[0]["last"])


async def _events(driver: neo4j.Driver, database: str, after: int) -> list[dict[str, Any]]:
    """The events numbered after `after`, once every committed event has its number."""
    for _ in range(100):
        records, _, _ = driver.execute_query(
            "MATCH (e:ChangeEvent) WHERE e.seq > $after OR e:Unsequenced "
            "RETURN properties(e) AS e ORDER BY e.seq",
            after=after,
            database_=database,
        )
        events = [dict(r["e"]) for r in records]
        if all(e.get("seq") is not None for e in events):
            return events
        await asyncio.sleep(0.1)  # the served API, in this event loop, numbers them
    raise AssertionError("events left without a number")


async def test_a_subscriber_resuming_from_its_cursor_gets_each_missed_event_once_in_order(
    settings: Settings,
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    writer: str,
    create: Callable[..., Any],
) -> None:
    offender = await create()
    async with served(settings) as url:
        async with socket_to(url, mint(OWNER)) as ws:
            await subscribe(ws, CHANGES, {"ids": [offender]})
            await asyncio.sleep(0.3)
            await _ok(graphql, INTELLIGENCE, {"input": intelligence(offender, "first")}, writer)
            first = (await receive(ws))["payload"]["data"]["offenderChanges"]
        # Disconnected: three changes happen meanwhile.
        for text in ("second", "third", "fourth"):
            await _ok(graphql, INTELLIGENCE, {"input": intelligence(offender, text)}, writer)
        async with socket_to(url, mint(OWNER)) as ws:
            await subscribe(ws, CHANGES, {"ids": [offender], "after": first["cursor"]})
            missed = [(await receive(ws))["payload"]["data"]["offenderChanges"] for _ in range(3)]
            assert await silent(ws, 1.0)
    cursors = [int(event["cursor"]) for event in missed]
    assert cursors == sorted(cursors)
    assert len(set(cursors)) == 3
    assert int(first["cursor"]) < cursors[0]
    assert all(event["kind"] == "addIntelligence" for event in missed)


async def test_the_old_graphql_ws_protocol_is_refused(settings: Settings) -> None:
    async with (
        served(settings) as url,
        websockets.connect(
            url.replace("http", "ws", 1) + "/graphql",
            subprotocols=["graphql-ws"],  # type: ignore[list-item]
        ) as ws,
    ):
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4406


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({}, "connection_init"),
        ({"authorization": "Bearer not-a-token"}, "not valid"),
        ({"authorization": 42}, "connection_init"),
    ],
)
async def test_a_socket_without_a_valid_token_is_closed_4401(
    settings: Settings, payload: dict[str, Any], reason: str
) -> None:
    async with (
        served(settings) as url,
        websockets.connect(
            url.replace("http", "ws", 1) + "/graphql",
            subprotocols=[PROTOCOL],  # type: ignore[list-item]
        ) as ws,
    ):
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401
    assert reason in closed.value.rcvd.reason


async def test_a_subscription_before_initialisation_is_refused(settings: Settings) -> None:
    async with served(settings) as url, socket_to(url, None, init=False) as ws:
        await subscribe(ws, CHANGES, {"ids": ["off_0000001"]})
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401


async def test_a_socket_closes_4401_when_its_token_expires(
    settings: Settings, mint: Callable[..., str]
) -> None:
    async with served(settings) as url, socket_to(url, mint(OWNER, ttl_seconds=2)) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401
    assert "expired" in closed.value.rcvd.reason


async def test_queries_and_unknown_kinds_are_refused_with_a_code(
    settings: Settings, mint: Callable[..., str]
) -> None:
    async with served(settings) as url, socket_to(url, mint(OWNER)) as ws:
        await subscribe(ws, "{ me { userId } }", {}, id="q")
        refused = await receive(ws)
        assert refused["type"] == "error", refused
        await subscribe(ws, CHANGES, {"ids": ["off_0000001"], "kinds": ["dropTables"]}, id="k")
        message = await receive(ws)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "addIntelligence" in errors[0]["message"]
        await subscribe(ws, CHANGES, {"ids": ["off_0000001"], "after": "yesterday"}, id="a")
        message = await receive(ws)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_limits_per_socket_per_user_and_per_second(
    settings: Settings, mint: Callable[..., str]
) -> None:
    token = mint(OWNER, user="limited")
    limits = {
        "graph_api_max_subscriptions_per_connection": 1,
        "graph_api_max_connections_per_user": 1,
        "graph_api_max_messages_per_second": 2,
    }
    async with served(settings, **limits) as url, socket_to(url, token) as ws:
        await subscribe(ws, CHANGES, {"ids": ["off_0000001"]}, id="1")
        await subscribe(ws, CHANGES, {"ids": ["off_0000002"]}, id="2")
        refused = await receive(ws)
        assert refused["type"] == "error"
        assert refused["id"] == "2"
        assert refused["payload"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        # A second socket of the same user.
        async with websockets.connect(
            url.replace("http", "ws", 1) + "/graphql",
            subprotocols=[PROTOCOL],  # type: ignore[list-item]
        ) as second:
            init = {"authorization": f"Bearer {token}", "purpose": "again"}
            await second.send(json.dumps({"type": "connection_init", "payload": init}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await second.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4429
        assert "GRAPH_API_MAX_CONNECTIONS_PER_USER" in closed.value.rcvd.reason
        # A flood of messages.
        with pytest.raises(websockets.ConnectionClosed) as flooded:
            await _flood(ws)
        assert flooded.value.rcvd is not None
        assert flooded.value.rcvd.code == 4429
        assert "GRAPH_API_MAX_MESSAGES_PER_SECOND" in flooded.value.rcvd.reason


async def _flood(ws: ClientConnection) -> None:
    """Twenty pings at once, then read until the server closes the socket."""
    for _ in range(20):
        await ws.send(json.dumps({"type": "ping"}))
    while True:
        await asyncio.wait_for(ws.recv(), 5)


async def test_the_readme_example_follows_an_offender(
    settings: Settings,
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    writer: str,
    create: Callable[..., Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """docs/examples/subscribe.py, as the README runs it."""
    import importlib.util

    from graph_api.settings import PROJECT_ROOT

    spec = importlib.util.spec_from_file_location(
        "subscribe_example", PROJECT_ROOT / "docs" / "examples" / "subscribe.py"
    )
    assert spec is not None
    assert spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    offender = await create()
    async with served(settings) as url:
        following = asyncio.create_task(
            example.follow(url, mint(OWNER), "case review", [offender], None, limit=1)
        )
        await asyncio.sleep(1.0)
        await _ok(graphql, INTELLIGENCE, {"input": intelligence(offender)}, writer)
        cursor = await asyncio.wait_for(following, 20)
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["cursor"] == cursor
    assert printed["kind"] == "addIntelligence"
    assert printed["offender"]["id"] == offender
