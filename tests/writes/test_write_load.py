"""Write latency under concurrent load: a measurement, not a timed test.

Runs only when asked (`GRAPH_API_WRITE_LOAD=1 .venv/bin/pytest -s tests/writes/test_write_load.py`):
8 in-process clients (asyncio, the ASGI app over the test database) each record addresses and
link new associates for a few seconds, first each on its own offender, then all on one offender
(so they queue on its version lock). It prints median and p95 latency per mutation and the
writes per second sustained; nothing is asserted about the figures.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import statistics
import time
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

CLIENTS = int(os.environ.get("GRAPH_API_WRITE_LOAD_CLIENTS", "8"))
SECONDS = float(os.environ.get("GRAPH_API_WRITE_LOAD_SECONDS", "10"))

pytestmark = pytest.mark.skipif(
    not os.environ.get("GRAPH_API_WRITE_LOAD"), reason="a measurement: set GRAPH_API_WRITE_LOAD=1"
)

RECORD_ADDRESS = (
    """mutation ($input: RecordAddressInput!) { recordAddress(input: $input) { id version } }"""
)
LINK = """mutation ($input: LinkAssociateInput!) { linkAssociate(input: $input) { id version } }"""


def _report(
    label: str, latencies: dict[str, list[float]], elapsed: float, errors: dict[str, int]
) -> str:
    lines = [f"{label}: {CLIENTS} clients, {elapsed:.1f} s, errors {errors or 'none'}"]
    total = 0
    for name, values in latencies.items():
        total += len(values)
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        lines.append(
            f"  {name}: n={len(values)} median={statistics.median(values) * 1000:.1f} ms "
            f"p95={p95 * 1000:.1f} ms"
        )
    lines.append(f"  writes/s sustained: {total / elapsed:.1f}")
    return "\n".join(lines)


async def _run(
    graphql: Callable[..., Any], token: str, offenders: list[str]
) -> tuple[dict[str, list[float]], float, dict[str, int]]:
    latencies: dict[str, list[float]] = {"recordAddress": [], "linkAssociate": []}
    errors: dict[str, int] = {}

    async def timed(name: str, document: str, values: dict[str, Any]) -> None:
        began = time.perf_counter()
        body = await graphql(document, {"input": values}, token=token)
        if body.get("errors"):
            code = body["errors"][0]["extensions"]["code"]
            errors[code] = errors.get(code, 0) + 1
        else:
            latencies[name].append(time.perf_counter() - began)

    deadline = time.perf_counter() + SECONDS
    start = time.perf_counter()

    async def client(number: int) -> None:
        offender = offenders[number % len(offenders)]
        step = 0
        day = dt.date(1990, 1, 1)
        while time.perf_counter() < deadline:
            step += 1
            day += dt.timedelta(days=1)
            address = {"offenderId": offender, "main": False, "from": day.isoformat(), "address": {
                "line1": f"{number}-{step} Load Street", "town": "Leeds", "postcode": "LS1 4AP"}}  # fmt: skip
            await timed("recordAddress", RECORD_ADDRESS, address)
            associate = {"offenderId": offender, "type": "FRIEND", "from": day.isoformat(),
                         "associate": {"forename": "Load", "surname": f"Tester{number}x{step}"}}  # fmt: skip
            await timed("linkAssociate", LINK, associate)

    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return latencies, time.perf_counter() - start, errors


async def test_write_latency_under_load(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    writer = token()
    own = [(await fresh())["id"] for _ in range(CLIENTS)]
    print("\n" + _report("each client on its own offender", *await _run(graphql, writer, own)))
    shared = [(await fresh())["id"]]
    print(_report("all clients on one offender", *await _run(graphql, writer, shared)))
