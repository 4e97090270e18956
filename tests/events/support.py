"""Shared by the instant-sharing tests: an API served over real sockets, and a small
graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from typing import TYPE_CHECKING, Any

import uvicorn
import websockets

from graph_api.app import create_app
from graph_api.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from websockets.asyncio.client import ClientConnection

PROTOCOL = "graphql-transport-ws"

CHANGES = """
subscription ($ids: [ID!]!, $after: String, $kinds: [String!]) {
  offenderChanges(offenderIds: $ids, after: $after, kinds: $kinds) {
    cursor kind offenderId classification ids agency { code }
    offender {
      __typename
      ... on Offender { id surname intelligence { edges { intelligence { id text } classification } } }
      ... on RestrictedNominal { id }
    }
  }
}
"""

AGENCY_CHANGES = """
subscription ($after: String) {
  myAgencyChanges(after: $after) {
    cursor kind offenderId classification ids
    offender { __typename ... on Offender { id } ... on RestrictedNominal { id } }
  }
}
"""

INTELLIGENCE = """
mutation ($input: AddIntelligenceInput!) { addIntelligence(input: $input) { id } }
"""


def intelligence(offender_id: str, text: str = "seen at the docks", **extra: Any) -> dict[str, Any]:
    return {
        "offenderId": offender_id,
        "text": text,
        "source": 2,
        "information": "B",
        "handling": "P",
        "reviewOn": "2099-01-01",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def served(settings: Settings, **overrides: Any) -> AsyncIterator[str]:
    """The API on a free local port, in this event loop: its base URL (`http://...`)."""
    own = Settings(
        graph_api_jwt_secret=settings.graph_api_jwt_secret,
        neo4j_query_timeout_seconds=settings.neo4j_query_timeout_seconds,
        **overrides,
    )
    app = create_app(own)
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="on", log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "the server did not start"
            await asyncio.sleep(0.02)
        # Ready, as a load balancer waits: the trusted documents' statements planned first.
        for _ in range(1_200):
            if not app.state.database.warming:
                break
            await asyncio.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


@contextlib.asynccontextmanager
async def socket_to(
    url: str, token: str | None, purpose: str | None = "sharing test", init: bool = True
) -> AsyncIterator[ClientConnection]:
    """A graphql-transport-ws socket to `url`, initialised with the token (acknowledged)."""
    async with websockets.connect(
        url.replace("http", "ws", 1) + "/graphql",
        subprotocols=[PROTOCOL],  # type: ignore[list-item]
    ) as ws:
        if init:
            payload: dict[str, Any] = {"purpose": purpose}
            if token is not None:
                payload["authorization"] = f"Bearer {token}"
            await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert ack["type"] == "connection_ack", ack
        yield ws


async def subscribe(
    ws: ClientConnection, query: str, variables: dict[str, Any], id: str = "1"
) -> None:
    message = {"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}}
    await ws.send(json.dumps(message))


async def receive(ws: ClientConnection, within: float = 10) -> dict[str, Any]:
    """The next message that is not a ping."""
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), within))
        if message["type"] == "ping":
            await ws.send(json.dumps({"type": "pong"}))
            continue
        return message


async def silent(ws: ClientConnection, within: float) -> bool:
    """True when nothing arrives for `within` seconds."""
    try:
        message = await asyncio.wait_for(ws.recv(), within)
    except TimeoutError:
        return True
    raise AssertionError(f"expected nothing, got {message!r}")
