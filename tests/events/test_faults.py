"""Instant sharing under faults (issue 15, items 4-5): several API processes, a process
killed, the database lost and back."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from loopback_proxy import loopback_proxy
from writes.support import CREATE, OWNER, offender_input

from graph_api.db import LocalServer
from graph_api.domain import Role

from .support import (
    CHANGES,
    INTELLIGENCE,
    free_port,
    intelligence,
    receive,
    served,
    socket_to,
    subscribe,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from graph_api.settings import Settings


@contextlib.contextmanager
def api_process(settings: Settings) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`graph-api serve` in a process of its own over the test database: (URL, process)."""
    secret = settings.graph_api_jwt_secret
    assert secret is not None
    port = free_port()
    environment = {**os.environ, "GRAPH_API_JWT_SECRET": secret.get_secret_value()}
    command = [sys.executable, "-c", "from graph_api.cli import main; main()", "serve"]
    process = subprocess.Popen(  # noqa: S603
        [*command, "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # Ready, not merely up: at start the API plans the explorer's statements (trusted
        # documents), and on a database that has planned nothing yet that takes a while.
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, "the API process exited"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the API process did not start"
            time.sleep(0.2)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(15)


async def _write(url: str, token: str, offender_id: str, text: str) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        response = await http.post(
            "/graphql",
            json={"query": INTELLIGENCE, "variables": {"input": intelligence(offender_id, text)}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert "errors" not in response.json(), response.text


async def test_an_event_written_through_one_process_reaches_a_subscriber_of_another(
    settings: Settings, graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    """Two API processes over one database: a change made through A reaches a subscriber
    of B. Then A is killed outright: nothing is lost (the events are in the database), and
    a subscriber of A that reconnects to B with its cursor gets what it missed, once."""
    writer = mint(OWNER, roles=(Role.OFFENDER_MANAGER,))
    created = await graphql(CREATE, {"input": offender_input()}, token=writer)
    offender = created["data"]["createOffender"]["id"]
    with api_process(settings) as (a, process_a), api_process(settings) as (b, _):
        async with socket_to(b, mint(OWNER)) as on_b, socket_to(a, mint(OWNER)) as on_a:
            await subscribe(on_b, CHANGES, {"ids": [offender]})
            await subscribe(on_a, CHANGES, {"ids": [offender]})
            await asyncio.sleep(0.5)
            await _write(a, writer, offender, "written through A")
            through_b = (await receive(on_b))["payload"]["data"]["offenderChanges"]
            through_a = (await receive(on_a))["payload"]["data"]["offenderChanges"]
            assert through_b["cursor"] == through_a["cursor"]
            assert through_b["kind"] == "addIntelligence"
            await _write(a, writer, offender, "just before A dies")
            process_a.send_signal(signal.SIGKILL)
            process_a.wait(10)
            after_kill = (await receive(on_b))["payload"]["data"]["offenderChanges"]
            assert int(after_kill["cursor"]) > int(through_b["cursor"])
        await _write(b, writer, offender, "while A's subscriber is away")
        async with socket_to(b, mint(OWNER)) as again:
            await subscribe(again, CHANGES, {"ids": [offender], "after": through_a["cursor"]})
            missed = [
                (await receive(again))["payload"]["data"]["offenderChanges"] for _ in range(2)
            ]
            assert missed[0]["cursor"] == after_kill["cursor"]
            assert int(missed[1]["cursor"]) > int(after_kill["cursor"])


async def test_subscribers_hear_of_an_outage_and_resume_when_the_database_is_back(
    settings: Settings, graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    if not settings.uses_local_server:
        pytest.skip("the loopback proxy stands in front of the local test instance")
    writer = mint(OWNER, roles=(Role.OFFENDER_MANAGER,))
    created = await graphql(CREATE, {"input": offender_input()}, token=writer)
    offender = created["data"]["createOffender"]["id"]
    password = settings.neo4j_password or LocalServer(settings).password()
    async with loopback_proxy(settings.local_port) as proxy:
        uri = f"bolt://127.0.0.1:{proxy.port}"
        async with (
            served(settings, neo4j_uri=uri, neo4j_password=password) as url,
            socket_to(url, mint(OWNER)) as ws,
        ):
            await subscribe(ws, CHANGES, {"ids": [offender]})
            await asyncio.sleep(0.5)
            proxy.refuse()
            outage = await receive(ws, within=20)
            assert outage["type"] == "next", outage
            assert outage["payload"]["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
            # Written meanwhile (through another API process, which still reaches Neo4j).
            await graphql(INTELLIGENCE, {"input": intelligence(offender, "during")}, token=writer)
            proxy.accept()
            event = (await receive(ws, within=20))["payload"]["data"]["offenderChanges"]
            assert event["kind"] == "addIntelligence"
            texts = [e["intelligence"]["text"] for e in event["offender"]["intelligence"]["edges"]]
            assert "during" in texts
