"""Recovery after a Neo4j restart under load (issue 12, item 3).

`graph-api bench --recovery SECONDS` starts `graph-api serve` (production mode, audit on) over
the benchmark's instance, keeps `--concurrency` clients (the largest level given) asking the
ordinary mix of reads in closed loops, restarts Neo4j (`graph-api db stop`, then `db start`,
which returns once Bolt answers), and keeps asking for SECONDS after that. It reports, from the
moment Neo4j accepted connections again: the first request answered 200, and when the success
rate became steady (the start of the first one-second window from which every later window has
at least 95% of its answers 200 and at least half the requests per second of before the
restart). Results go to `bench/results/<output>.md` and `.json` (answers per second).

`--no-rehearsal` serves with `GRAPH_API_PLAN_REHEARSAL=false` (single-flight planning only), to
measure what planning the remembered statements again does.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.http_client import HttpFailure, LeanClient
from bench.targets import api_server
from graph_api.db import LocalServer
from graph_api.identity import mint_token

if TYPE_CHECKING:
    from collections.abc import Callable

    from bench.queries import BenchQuery
    from bench.workload import Workload
    from graph_api.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"

#: Seconds of load before the restart (the plan cache and the pool are warm by then).
BEFORE_SECONDS = 20.0
#: Longest warm-up (each query answered once) before the load starts.
WARM_UP_SECONDS = 300.0
#: A window counts as steady at this share of answers 200 ...
STEADY_SUCCESS = 0.95
#: ... and this share of the requests per second before the restart.
STEADY_THROUGHPUT = 0.5


@dataclass
class Answer:
    sent: float
    done: float
    ok: bool


@dataclass
class Recovery:
    """The answers around one restart (times in seconds from the start of the run)."""

    answers: list[Answer] = field(default_factory=list)
    stopping: float = 0.0
    accepting: float = 0.0

    def per_second(self) -> list[dict[str, int]]:
        """Answers 200 and others by the whole second they came back in."""
        end = int(max(a.done for a in self.answers)) + 1
        rows = [{"second": s, "ok": 0, "failed": 0} for s in range(end)]
        for answer in self.answers:
            rows[int(answer.done)]["ok" if answer.ok else "failed"] += 1
        return rows

    def figures(self) -> dict[str, float | None]:
        """First success and steady success, in seconds after Neo4j accepted again."""
        before = [r["ok"] for r in self.per_second() if 2 <= r["second"] < int(self.stopping)]
        baseline = statistics.median(before) if before else 0.0
        first = min(
            (a.done for a in self.answers if a.ok and a.done > self.accepting), default=None
        )
        rows = [r for r in self.per_second() if r["second"] >= int(self.accepting)][:-1]

        def steady(row: dict[str, int]) -> bool:
            total = row["ok"] + row["failed"]
            return (
                total > 0
                and row["ok"] / total >= STEADY_SUCCESS
                and row["ok"] >= STEADY_THROUGHPUT * baseline
            )

        settled = None
        for index in range(len(rows)):
            if all(steady(row) for row in rows[index:]):
                settled = max(rows[index]["second"] - self.accepting, 0.0)
                break
        return {
            "requests_per_second_before": baseline,
            "down_seconds": self.accepting - self.stopping,
            "first_success_after_accepting": None if first is None else first - self.accepting,
            "steady_after_accepting": settled,
        }


async def _warm_up(
    http: LeanClient,
    token: str,
    queries: tuple[BenchQuery, ...],
    workload: Workload,
    say: Callable[[str], None],
) -> None:
    """Ask each query alone until it is answered (its statements planned), so the load before
    the restart is the steady state (WARM_UP_SECONDS at most)."""
    ends = time.monotonic() + WARM_UP_SECONDS
    for query in queries:
        while time.monotonic() < ends:
            variables = workload.of(query)[0].variables
            try:
                status, _ = await http.post_json(
                    "/graphql",
                    {"query": query.document, "variables": variables},
                    {"Authorization": f"Bearer {token}"},
                )
            except HttpFailure:
                status = 0
            if status == 200:
                break
            await asyncio.sleep(1.0)
    say(f"warmed up; {len(queries)} queries answered")


async def _load(
    http: LeanClient,
    token: str,
    requests: list[tuple[BenchQuery, dict[str, Any]]],
    clients: int,
    started: float,
    stop: asyncio.Event,
    into: Recovery,
) -> None:
    cursor = 0

    async def client() -> None:
        nonlocal cursor
        while not stop.is_set():
            query, variables = requests[cursor % len(requests)]
            cursor += 1
            sent = time.monotonic() - started
            try:
                status, body = await http.post_json(
                    "/graphql",
                    {"query": query.document, "variables": variables},
                    {"Authorization": f"Bearer {token}"},
                )
                ok = status == 200 and isinstance(body, dict) and not body.get("errors")
            except HttpFailure:
                ok = False
            into.answers.append(Answer(sent, time.monotonic() - started, ok))
            if not ok:
                await asyncio.sleep(0.05)  # a client that failed retries, not floods

    await asyncio.gather(*(client() for _ in range(clients)))


async def run_recovery(
    settings: Settings,
    workload: Workload,
    queries: tuple[BenchQuery, ...],
    *,
    clients: int,
    after: float,
    rehearsal: bool,
    output: str,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """One restart under `clients` closed-loop clients; the figures, also written to files."""
    principal = workload.principal
    token = mint_token(
        settings, user=principal.user_id, agency=principal.agency, roles=sorted(principal.roles),
        clearance=principal.clearance, purpose=principal.purpose, ttl_seconds=3600,
    )  # fmt: skip
    server = api_server(
        settings, "recovery", GRAPH_API_PLAN_REHEARSAL="true" if rehearsal else "false"
    )
    await server.start()
    requests = [
        (query, request.variables) for index in range(len(workload.of(queries[0])))
        for query in queries for request in workload.of(query)[index : index + 1]
    ]  # fmt: skip
    recovery = Recovery()
    database = LocalServer(settings)
    # Restart it as it runs: with the plugins the peer's benchmark installed, if it holds them.
    database.plugins = database.plugins or any((database.home / "plugins").glob("*.jar"))
    stop = asyncio.Event()
    http = LeanClient(server.base_url, clients, timeout=60.0)
    load: asyncio.Task[None] | None = None
    try:
        await _warm_up(http, token, queries, workload, say)
        started = time.monotonic()
        load = asyncio.create_task(_load(http, token, requests, clients, started, stop, recovery))
        await asyncio.sleep(BEFORE_SECONDS)
        say(f"restarting Neo4j under {clients} clients")
        recovery.stopping = time.monotonic() - started
        await asyncio.to_thread(database.stop)
        await asyncio.to_thread(database.start)
        recovery.accepting = time.monotonic() - started
        say(f"Neo4j accepts connections again after {recovery.accepting - recovery.stopping:.1f} s")
        await asyncio.sleep(after)
        stop.set()
        await load
    finally:
        stop.set()
        if (
            load is not None and not load.done()
        ):  # the restart failed: the clients would wait for it for ever
            load.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await load
        await http.aclose()
        server.stop()
    figures = recovery.figures()
    meta = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "clients": clients,
        "rehearsal": rehearsal,
        "queries": [q.name for q in queries],
        "machine load": "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{output}.json").write_text(
        json.dumps(
            {
                "meta": meta,
                "figures": figures,
                "stopping": recovery.stopping,
                "accepting": recovery.accepting,
                "per_second": recovery.per_second(),
            },
            indent=1,
        )
    )
    lines = [
        f"# Recovery after a Neo4j restart under {clients} clients",
        "",
        *(f"- {key}: {value}" for key, value in meta.items()),
        "",
        "| figure | value |",
        "| --- | --- |",
        *(f"| {key.replace('_', ' ')} | {_seconds(value)} |" for key, value in figures.items()),
        "",
        "Answers per second (Neo4j stopped at "
        f"{recovery.stopping:.1f} s, accepting again at {recovery.accepting:.1f} s):",
        "",
        "| second | 200 | other |",
        "| --- | --- | --- |",
        *(f"| {r['second']} | {r['ok']} | {r['failed']} |" for r in recovery.per_second()),
    ]
    (RESULTS / f"{output}.md").write_text("\n".join(lines) + "\n")
    return figures


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f}"


#: The reads the clients ask, in turn (the ordinary mix without the path search, whose ends
#: take minutes to sample on the national dataset).
RECOVERY_QUERIES = (
    "offender_depth1,offender_depth2,offender_depth3,offenders_page,search_offenders,"
    "vehicles_plate,network_depth2"
)
