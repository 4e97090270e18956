"""`graph-api bench`: the dataset, the targets, the alternating rounds, the results.

Measurement: for each query and concurrency, every target first warms up, then the targets take
turns in rounds (the order rotating each round), so noise on the machine falls on all alike.
Each target walks the same seeded request sequence. A cell with errors is reported as such and
makes the command fail: a run with errors is not a result.

Smoke mode (`--smoke`, and `tests/bench/test_smoke.py` on the tiny dataset) times nothing: it
checks that every target answers every query and that the answers disclose the same ids.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import platform
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from neo4j import AsyncGraphDatabase

from bench import report
from bench.loadgen import Sample, closed_loop
from bench.queries import select
from bench.targets import ApiServer, RawCypherTarget, Target, TargetError, start_api_target
from bench.workload import analyst, biggest_agency, build_workload
from graph_api.db import LocalServer, connection_target, migrate, neo4j_version, open_sync_driver
from graph_api.identity import mint_token
from graph_api.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import neo4j

    from bench.queries import BenchQuery
    from bench.workload import Workload
    from graph_api.identity import Principal

RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
#: The local instance the benchmark's dataset lives in (its own data folder; port 7689).
BENCH_INSTANCE = "bench"
TARGET_NAMES = ("raw", "api", "api-noaudit")
#: Requests per query checked in smoke mode.
SMOKE_REQUESTS = 6


@dataclass(frozen=True)
class BenchOptions:
    """What to run; the defaults are issue 6's full matrix on the national dataset."""

    scale: str = "national"
    seed: int = 1
    concurrency: tuple[int, ...] = (1, 8, 32)
    duration: float = 10.0  # seconds per cell and target (split over the rounds)
    requests: int | None = None  # per cell and target instead of a duration
    warmup: int = 20  # requests per cell and target before measuring
    rounds: int = 4  # turns each target takes per cell
    targets: tuple[str, ...] = TARGET_NAMES
    queries: str | None = None  # comma-separated names; None: the whole set
    agency: str | None = None  # the principal's agency; None: the biggest managing agency
    workload_seed: int = 42
    pool: int = 200  # distinct requests per query in duration mode
    smoke: bool = False
    output: str | None = None  # file stem in bench/results/

    def __post_init__(self) -> None:
        unknown = [t for t in self.targets if t not in TARGET_NAMES]
        if unknown or not self.targets:
            raise ValueError(f"targets must be among {', '.join(TARGET_NAMES)}; got {unknown}")
        if not self.concurrency or min(self.concurrency) < 1:
            raise ValueError("concurrency levels must be positive integers")


@dataclass
class SmokeReport:
    """What smoke mode found: mismatches and errors, and how many answers held something."""

    problems: list[str] = field(default_factory=list)
    non_empty: dict[str, int] = field(default_factory=dict)


# --- dataset ---------------------------------------------------------------------------------


def bench_settings() -> Settings:
    """The settings of the benchmark's database: the `bench` instance unless NEO4J_URI is set."""
    if os.environ.get("NEO4J_URI"):
        return Settings()
    return Settings(graph_api_local_instance=BENCH_INSTANCE)


def ensure_dataset(
    settings: Settings, scale: str, seed: int, say: Callable[[str], None]
) -> tuple[neo4j.Driver, str]:
    """Start the database and load the `scale` preset (seed `seed`) unless it is there already."""
    import seed as dataset

    plan = dataset.plan(scale, None, seed)
    if settings.uses_local_server:
        LocalServer(settings).start()
    driver, target = open_sync_driver(settings)
    migrate(driver, target.database)
    records, _, _ = driver.execute_query(
        "MATCH (d:Dataset) RETURN d.seed AS seed, d.scale AS scale, d.offenders AS offenders",
        database_=target.database,
    )
    wanted = {"seed": plan.seed, "scale": plan.scale, "offenders": plan.offenders}
    if [r.data() for r in records] != [wanted]:
        say(f"loading the {scale} dataset (seed {seed}) into {target.uri}; this replaces its data")
        if not dataset.database_is_empty(driver, target.database):
            dataset.clear(driver, target.database)
        dataset.load(driver, target.database, plan)
    return driver, target.database


# --- targets ---------------------------------------------------------------------------------


async def open_targets(
    names: Sequence[str], settings: Settings, principal: Principal, concurrency: int
) -> list[Target]:
    """Start the named targets: the driver for raw Cypher, a uvicorn server per API variant."""
    token = mint_token(
        settings,
        user=principal.user_id,
        agency=principal.agency,
        roles=sorted(principal.roles),
        clearance=principal.clearance,
        purpose=principal.purpose,
        ttl_seconds=24 * 3600,
    )
    environment = {"GRAPH_API_LOCAL_INSTANCE": settings.graph_api_local_instance}
    targets: list[Target] = []
    try:
        for name in names:
            if name == "raw":
                target = connection_target(settings)
                driver = AsyncGraphDatabase.driver(
                    target.uri,
                    auth=(target.user, target.password),
                    max_connection_pool_size=max(concurrency, 8),
                    notifications_min_severity="OFF",  # as the API's driver
                )
                targets.append(RawCypherTarget(driver, target.database, principal))
            else:
                audit = "false" if name == "api-noaudit" else "true"
                server = ApiServer(
                    {**environment, "GRAPH_API_AUDIT_ENABLED": audit},
                    settings.graph_api_state_dir / "bench-logs" / f"{name}.log",  # git-ignored
                )
                targets.append(await start_api_target(name, server, token, concurrency))
    except BaseException:
        await close_targets(targets)
        raise
    return targets


async def close_targets(targets: Sequence[Target]) -> None:
    for target in targets:
        await target.close()


# --- smoke -----------------------------------------------------------------------------------


async def smoke(
    targets: Sequence[Target],
    queries: Sequence[BenchQuery],
    workload: Workload,
    per_query: int = SMOKE_REQUESTS,
) -> SmokeReport:
    """Every target answers every request, and every answer discloses the same ids."""
    found = SmokeReport()
    for query in queries:
        found.non_empty[query.name] = 0
        for request in workload.of(query)[:per_query]:
            answers: dict[str, frozenset[str]] = {}
            for target in targets:
                try:
                    answers[target.name] = query.answer_ids(await target.answer(query, request))
                except TargetError as error:
                    found.problems.append(
                        f"{target.name} {query.name} {request.variables}: {error}"
                    )
            distinct = set(answers.values())
            if len(distinct) > 1:
                reference = next(iter(answers.values()))
                detail = "; ".join(
                    f"{name} has {sorted(ids - reference)[:5]} lacks {sorted(reference - ids)[:5]}"
                    for name, ids in answers.items()
                    if ids != reference
                )
                found.problems.append(f"{query.name} {request.variables}: answers differ: {detail}")
            if any(ids and ids != frozenset({"no path"}) for ids in answers.values()):
                found.non_empty[query.name] += 1
    for name, count in found.non_empty.items():
        if count == 0:
            found.problems.append(f"{name}: every answer was empty; the check proves nothing")
    return found


# --- measurement -----------------------------------------------------------------------------


async def measure(
    targets: Sequence[Target],
    queries: Sequence[BenchQuery],
    workload: Workload,
    options: BenchOptions,
    say: Callable[[str], None],
) -> list[Sample]:
    """Every query at every concurrency, the targets alternating in rounds."""
    samples: list[Sample] = []
    for query in queries:
        requests = workload.of(query)
        for concurrency in options.concurrency:

            def sender(target: Target, query: BenchQuery = query) -> Any:
                return lambda request: target.answer(query, request)

            for target in targets:  # warm-up: caches, connections, the JIT of the database
                await closed_loop(
                    sender(target), requests, concurrency, count=max(options.warmup, concurrency)
                )
            start = options.warmup if options.requests else 0
            cursors = {t.name: start for t in targets}
            cells = {t.name: Sample(t.name, query.name, concurrency) for t in targets}
            for round_number in range(options.rounds):
                turn = round_number % len(targets)
                for target in [*targets[turn:], *targets[:turn]]:
                    count = duration = None
                    if options.requests is not None:
                        count = _share(options.requests, options.rounds, round_number)
                    else:
                        duration = options.duration / options.rounds
                    sample, cursors[target.name] = await closed_loop(
                        sender(target),
                        requests,
                        concurrency,
                        start=cursors[target.name],
                        count=count,
                        duration=duration,
                    )
                    cells[target.name].add(sample)
            for target in targets:
                cell = cells[target.name]
                samples.append(cell)
                summary = report.Summary.of(cell)
                say(
                    f"{query.name:18} c={concurrency:<3} {target.name:12} "
                    f"{summary.throughput:7.1f} req/s  p50 {summary.p50:7.1f} ms  "
                    f"p95 {summary.p95:7.1f} ms  errors {cell.errors}"
                    + (f"  ({cell.first_error})" if cell.first_error else "")
                )
    return samples


def _share(total: int, parts: int, index: int) -> int:
    """The `index`-th of `parts` near-equal shares of `total`."""
    return total // parts + (1 if index < total % parts else 0)


# --- the command -----------------------------------------------------------------------------


def _describe(
    options: BenchOptions, settings: Settings, principal: Principal, database: str
) -> dict[str, str]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, read-only
            capture_output=True,
            text=True,
            check=False,
            cwd=PROJECT_ROOT,
        ).stdout.strip()
    except OSError:
        commit = "unknown"
    if options.requests is not None:
        load = f"{options.requests} requests per cell and target after {options.warmup} warm-up"
    else:
        load = f"{options.duration:g}s per cell and target after {options.warmup} warm-up requests"
    return {
        "dataset": f"{options.scale} preset, seed {options.seed}",
        "database": f"Neo4j {neo4j_version()} ({settings.graph_api_local_instance} instance, "
        f"heap {settings.graph_api_neo4j_heap}, page cache {settings.graph_api_neo4j_pagecache})"
        if settings.uses_local_server
        else f"{settings.neo4j_uri} ({database})",
        "principal": f"{', '.join(sorted(principal.roles))} of {principal.agency}, "
        f"clearance {principal.clearance.value}",
        "load": f"closed loop, {load}; targets alternate in {options.rounds} rounds",
        "api": "`graph-api serve` (uvicorn, 1 worker, production mode, access log to a file), "
        "over HTTP/1.1 keep-alive from httpx",
        "machine": f"{os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}; client, API and Neo4j share it",
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": f"{commit or 'unknown'} (plus uncommitted changes, if any)",
    }


def run(options: BenchOptions, say: Callable[[str], None] = print) -> bool:
    """Run the benchmark (or the smoke check); True when every request succeeded."""
    queries = select(options.queries)
    settings = bench_settings()
    driver, database = ensure_dataset(settings, options.scale, options.seed, say)
    with driver:
        agency = options.agency or biggest_agency(driver, database)
        principal = analyst(agency)
        if options.smoke:
            count = SMOKE_REQUESTS
        elif options.requests is not None:
            count = options.warmup + options.requests
        else:
            count = max(options.pool, options.warmup)
        say(f"drawing {count} requests per query (seed {options.workload_seed})")
        workload = build_workload(
            driver, database, queries, principal, count, options.workload_seed
        )
    return asyncio.run(_run(options, queries, settings, principal, workload, database, say))


async def _run(
    options: BenchOptions,
    queries: Sequence[BenchQuery],
    settings: Settings,
    principal: Principal,
    workload: Workload,
    database: str,
    say: Callable[[str], None],
) -> bool:
    targets = await open_targets(options.targets, settings, principal, max(options.concurrency))
    try:
        if options.smoke:
            found = await smoke(targets, queries, workload)
            for problem in found.problems:
                say(f"problem: {problem}")
            say(f"smoke: non-empty answers per query {found.non_empty}")
            return not found.problems
        samples = await measure(targets, queries, workload, options, say)
    finally:
        await close_targets(targets)
    meta = _describe(options, settings, principal, database)
    names = [t.name for t in targets]
    summaries = report.summarise(samples)
    levels = "-".join(str(c) for c in options.concurrency)
    stem = options.output or f"{options.scale}-c{levels}-{dt.date.today().isoformat()}"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    title = f"Offender Graph API benchmark: {options.scale} dataset"
    markdown = report.markdown(summaries, queries, names, meta, title)
    (RESULTS_DIR / f"{stem}.md").write_text(markdown)
    report.write_json(samples, meta, RESULTS_DIR / f"{stem}.json")
    try:
        report.chart(summaries, queries, names, title, RESULTS_DIR / f"{stem}.png")
    except ImportError:
        say("matplotlib is not installed (pip install -e '.[bench]'): no chart drawn")
    say(f"wrote {RESULTS_DIR / stem}.md")
    return not any(sample.errors for sample in samples)
