"""`graph-api bench --events`: instant sharing measured (issue 15, item 6).

- Delivery latency: from a change event's write (its `at`, taken inside the write's
  transaction, just before the commit) to its arrival at each subscriber, for 1, 100 and 1,000
  subscribers on one API process, and with two processes (the writer on one, the subscribers
  on the other, so every event crosses from one replica to the other through Neo4j).
- The write latency the event adds: the same mutation as one transaction with and without its
  change event (`Write.emits_event`), sequential and with 8 concurrent writers (the sequence's
  lock serialises the events of concurrent writes), beside the mutation's p50 over HTTP.

Subscribers are distinct users of the writer's agency, each on its own WebSocket
(graphql-transport-ws), following the one offender written to; every delivery is audited.
It writes intelligence to the dataset's offenders: run it on an instance of its own
(`--instance bench-events --scale tiny`), never on the test database or a published dataset.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import os
import statistics
import subprocess
import time
from typing import TYPE_CHECKING, Any

import httpx
import websockets

from bench.run import RESULTS_DIR
from bench.targets import ApiServer
from graph_api import writes
from graph_api.audit import Disclosure, audit_record
from graph_api.db import Database
from graph_api.domain import Classification, HandlingCode, InformationGrade, Role
from graph_api.identity import Principal, mint_token

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from websockets.asyncio.client import ClientConnection

    from graph_api.settings import Settings

SUBSCRIPTION = """
subscription ($ids: [ID!]!) {
  offenderChanges(offenderIds: $ids) {
    cursor at kind offender { ... on Offender { id surname riskLevel } }
  }
}
"""
MUTATION = """
mutation ($input: AddIntelligenceInput!) { addIntelligence(input: $input) { id } }
"""


def _at(text: str) -> float:
    """Epoch seconds of an ISO datetime with up to nanoseconds (Neo4j's)."""
    head, _, rest = text.partition(".")
    digits = "".join(c for c in rest if c.isdigit())
    zone = rest[len(digits) :]
    return dt.datetime.fromisoformat(f"{head}.{digits[:6] or '0'}{zone}").timestamp()


def percentile(values: Sequence[float], cut: int) -> float:
    """The `cut`-th percentile (inclusive method) of sorted or unsorted values."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[cut - 1]


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607


async def _subscriber(url: str, token: str, offender: str) -> ClientConnection:
    ws = await websockets.connect(
        url.replace("http", "ws", 1) + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_queue=None,
    )
    init = {"authorization": f"Bearer {token}", "purpose": "benchmark"}
    await ws.send(json.dumps({"type": "connection_init", "payload": init}))
    ack = json.loads(await ws.recv())
    assert ack["type"] == "connection_ack", ack
    message = {
        "id": "1",
        "type": "subscribe",
        "payload": {"query": SUBSCRIPTION, "variables": {"ids": [offender]}},
    }
    await ws.send(json.dumps(message))
    return ws


async def _listen(ws: ClientConnection, arrivals: dict[str, list[float]]) -> None:
    async for raw in ws:
        received = time.time()
        message = json.loads(raw)
        if message.get("type") != "next":
            continue
        event = (message["payload"].get("data") or {}).get("offenderChanges")
        if event:
            arrivals.setdefault(event["cursor"], []).append(received - _at(event["at"]))


async def delivery_cell(
    settings: Settings,
    urls: Sequence[str],
    agency: str,
    offender: str,
    subscribers: int,
    events: int,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """`events` changes written through `urls[0]`, followed by `subscribers` on `urls[-1]`."""
    tokens = [
        mint_token(
            settings, user=f"bench-subscriber-{i}", agency=agency, roles=[Role.ANALYST],
            clearance=Classification.SECRET, ttl_seconds=3600,
        )
        for i in range(subscribers)
    ]  # fmt: skip
    writer = mint_token(
        settings, user="bench-writer", agency=agency, roles=[Role.OFFENDER_MANAGER],
        clearance=Classification.SECRET, purpose="benchmark", ttl_seconds=3600,
    )  # fmt: skip
    sockets: list[ClientConnection] = []
    for start in range(0, subscribers, 50):
        batch = tokens[start : start + 50]
        sockets += await asyncio.gather(*(_subscriber(urls[-1], t, offender) for t in batch))
    arrivals: dict[str, list[float]] = {}
    listeners = [asyncio.create_task(_listen(ws, arrivals)) for ws in sockets]
    await asyncio.sleep(2.0)  # every subscription has read the head before the first write
    written = 0
    async with httpx.AsyncClient(base_url=urls[0], timeout=60) as http:
        for number in range(events):
            variables = {"input": _intelligence(offender, f"bench event {number}")}
            response = await http.post(
                "/graphql",
                json={"query": MUTATION, "variables": variables},
                headers={"Authorization": f"Bearer {writer}"},
            )
            assert "errors" not in response.json(), response.text
            written += 1
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # wait for this event to reach everyone
                if sum(len(v) for v in arrivals.values()) >= written * subscribers:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    latencies = sorted(x * 1000 for values in arrivals.values() for x in values)
    expected = events * subscribers
    row = {
        "replicas": len(set(urls)),
        "subscribers": subscribers,
        "events": events,
        "deliveries": len(latencies),
        "missing": expected - len(latencies),
        "p50_ms": percentile(latencies, 50) if latencies else None,
        "p99_ms": percentile(latencies, 99) if latencies else None,
        "max_ms": latencies[-1] if latencies else None,
        "load": load(),
    }
    say(
        f"  {row['replicas']} replica(s), {subscribers} subscribers: p50 {row['p50_ms']:.0f} ms, "
        f"p99 {row['p99_ms']:.0f} ms, {row['missing']} missing"
    )
    return row


def _intelligence(offender: str, text: str) -> dict[str, Any]:
    return {
        "offenderId": offender, "text": text, "source": 2, "information": "B", "handling": "P",
        "reviewOn": (dt.date.today() + dt.timedelta(days=90)).isoformat(),
    }  # fmt: skip


async def write_overhead(
    settings: Settings, agency: str, offenders: Sequence[str], writes_per_cell: int
) -> list[dict[str, Any]]:
    """The same write transaction with and without its change event, alternating, at
    concurrency 1 and 8 (each writer on its own offender, as concurrent writes are)."""
    database = Database.from_settings(settings)
    principal = Principal(
        "bench-writer", agency, frozenset({Role.OFFENDER_MANAGER}), Classification.SECRET, "bench"
    )
    rows = []
    try:
        for concurrency in (1, 8):
            timings: dict[bool, list[float]] = {True: [], False: []}

            async def worker(
                offender: str, count: int, timings: dict[bool, list[float]] = timings
            ) -> None:
                for number in range(count):
                    with_event = number % 2 == 0
                    write = writes.add_intelligence(
                        principal, dt.date.today(), offender_id=offender,
                        text=f"overhead {number}", source=2, information=InformationGrade.B,
                        handling=HandlingCode.P, review_on=dt.date.today() + dt.timedelta(days=9),
                    )  # fmt: skip
                    write = dataclasses.replace(write, emits_event=with_event)
                    started = time.perf_counter()
                    await writes.execute(database, write, audit=_audit(offender))
                    timings[with_event].append((time.perf_counter() - started) * 1000)

            per_worker = max(2, writes_per_cell // concurrency)
            await asyncio.gather(
                *(worker(offenders[i % len(offenders)], 4) for i in range(concurrency))
            )  # warm-up
            timings[True].clear()
            timings[False].clear()
            await asyncio.gather(
                *(worker(offenders[i % len(offenders)], per_worker) for i in range(concurrency))
            )
            with_event, without = (statistics.median(timings[k]) for k in (True, False))
            rows.append(
                {
                    "concurrency": concurrency,
                    "writes": sum(len(v) for v in timings.values()),
                    "p50_with_ms": with_event,
                    "p50_without_ms": without,
                    "added_ms": with_event - without,
                    "load": load(),
                }
            )
    finally:
        await database.close()
    return rows


def _audit(offender: str) -> Callable[[Any, dict[str, Any]], dict[str, Any]]:
    """The write's audit record, as the API writes one (the event shares its statement)."""
    principal = Principal(
        "bench-writer", "-", frozenset({Role.OFFENDER_MANAGER}), Classification.SECRET, "bench"
    )

    def record(value: Any, _: dict[str, Any]) -> dict[str, Any]:
        disclosure = Disclosure()
        disclosure.changed("addIntelligence", offender, {}, value)
        return audit_record(principal, "bench", None, MUTATION, disclosure)

    return record


async def mutation_p50(url: str, token: str, offender: str, count: int) -> float:
    """The p50 of the mutation over HTTP (sequential), the figure the overhead is set against."""
    timings = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        for number in range(count):
            variables = {"input": _intelligence(offender, f"p50 {number}")}
            started = time.perf_counter()
            response = await http.post(
                "/graphql",
                json={"query": MUTATION, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
            timings.append((time.perf_counter() - started) * 1000)
            assert "errors" not in response.json(), response.text
    return statistics.median(timings[max(1, count // 10) :])


async def run_events(
    settings: Settings,
    agency: str,
    offenders: Sequence[str],
    subscriber_counts: Sequence[int],
    events: int,
    output: str,
    say: Callable[[str], None],
) -> None:
    environment = {
        "GRAPH_API_LOCAL_INSTANCE": settings.graph_api_local_instance,
        "GRAPH_API_LOCAL_PORT": str(settings.local_port),
        # Every subscriber's socket comes from this one address.
        "GRAPH_API_MAX_CONNECTIONS_PER_CLIENT": str(4 * max(subscriber_counts) + 64),
    }
    secret = settings.graph_api_jwt_secret
    if secret is not None:
        environment["GRAPH_API_JWT_SECRET"] = secret.get_secret_value()
    logs = settings.graph_api_state_dir / "bench-logs"
    servers = [ApiServer(environment, logs / f"events-{n}.log") for n in (1, 2)]
    offender = offenders[0]
    say(f"machine load before: {load()}")
    deliveries: list[dict[str, Any]] = []
    try:
        await servers[0].start()
        one = [servers[0].base_url]
        for count in subscriber_counts:
            deliveries.append(
                await delivery_cell(settings, one, agency, offender, count, events, say)
            )
        await servers[1].start()
        two = [servers[0].base_url, servers[1].base_url]
        for count in subscriber_counts:
            deliveries.append(
                await delivery_cell(settings, two, agency, offender, count, events, say)
            )
        writer = mint_token(
            settings, user="bench-writer", agency=agency, roles=[Role.OFFENDER_MANAGER],
            clearance=Classification.SECRET, purpose="benchmark", ttl_seconds=3600,
        )  # fmt: skip
        http_p50 = await mutation_p50(servers[0].base_url, writer, offender, 100)
    finally:
        for server in servers:
            server.stop()
    overhead = await write_overhead(settings, agency, offenders[1:17], 200)
    _write(output, deliveries, overhead, http_p50)
    say(f"bench/results/{output}.md")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _write(
    output: str,
    deliveries: list[dict[str, Any]],
    overhead: list[dict[str, Any]],
    http_p50: float,
) -> None:
    lines = [
        "# Instant sharing: event delivery and write overhead (`graph-api bench --events`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on this machine "
        f"({os.cpu_count()} cores), the API as child processes, the clients in the bench process.",
        "",
        "## Delivery latency (event written -> subscriber received)",
        "",
        "| API processes | subscribers | events | deliveries | missing | p50 ms | p99 ms | max ms "
        "| machine load |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in deliveries:
        lines.append(
            f"| {row['replicas']} | {row['subscribers']} | {row['events']} | "
            f"{row['deliveries']} | {row['missing']} | {_ms(row['p50_ms'])} | "
            f"{_ms(row['p99_ms'])} | {_ms(row['max_ms'])} | {row['load']} |"
        )
    lines += [
        "",
        "With two processes the writer posts to the first and every subscriber listens on the "
        "second: each event reaches them by the second process tailing Neo4j.",
        "",
        "## Write latency added by the change event",
        "",
        f"`addIntelligence` over HTTP (sequential, audit on): p50 **{http_p50:.1f} ms**.",
        "",
        "| concurrent writers | writes | transaction p50 with event ms | without ms | added ms "
        "| added / HTTP p50 | machine load |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in overhead:
        lines.append(
            f"| {row['concurrency']} | {row['writes']} | {row['p50_with_ms']:.2f} | "
            f"{row['p50_without_ms']:.2f} | {row['added_ms']:.2f} | "
            f"{100 * row['added_ms'] / http_p50:.1f}% | {row['load']} |"
        )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{output}.md").write_text("\n".join(lines) + "\n")
    (RESULTS_DIR / f"{output}.json").write_text(
        json.dumps(
            {"deliveries": deliveries, "overhead": overhead, "http_p50_ms": http_p50}, indent=2
        )
    )
