"""`graph-api bench`: the dataset, the targets, the alternating rounds, the results.

Measurement: for each query and concurrency, every target first warms up, then the targets take
turns in rounds (the order rotating each round), so noise on the machine falls on all alike.
Each target walks the same seeded request sequence. A cell with errors is reported as such and
makes the command fail: a run with errors is not a result.

Smoke mode (`--smoke`, and `tests/bench/test_smoke.py` on the tiny dataset) times nothing: it
checks that every target answers every query and that the answers disclose the same ids (for the
peer, the ids its policy gaps leave comparable: `peer_view`).

The peer (the Neo4j GraphQL Library, bench/peer/) needs APOC on the database: when it is
selected, the local instance is (re)started with GRAPH_API_NEO4J_PLUGINS=true after
bench/peer/install-apoc.sh. Queries it cannot express are reported as n/a, not dropped.

Scaling mode (`--scaling`) loads 10k / 100k / 1M offenders into one instance per size
(`<instance>-10k`, ...) and measures the depth-3 read and the name search on each.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import platform
import subprocess
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from neo4j import AsyncGraphDatabase

from bench import report
from bench.cpu import CpuMeter
from bench.loadgen import Sample, closed_loop
from bench.queries import select
from bench.targets import (
    PEER_DIR,
    ApiServer,
    PeerServer,
    PeerTarget,
    RawCypherTarget,
    Target,
    TargetError,
    peer_environment,
    start_api_target,
    start_peer_target,
)
from bench.workload import analyst, biggest_agency, build_workload, national_searcher
from graph_api.db import LocalServer, connection_target, migrate, neo4j_version, open_sync_driver
from graph_api.db._local_server import PLUGINS_ENV
from graph_api.identity import mint_token
from graph_api.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import neo4j

    from bench.queries import BenchQuery, Request
    from bench.workload import Workload
    from graph_api.identity import Principal

RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
#: The local instance the benchmark's dataset lives in (its own data folder; port 7689).
BENCH_INSTANCE = "bench"
#: Bolt port of every other benchmark instance (bench-demo, bench-10k, ...) unless --port or
#: GRAPH_API_LOCAL_PORT says otherwise, so that none collides with `bench` on 7689.
OTHER_INSTANCE_PORT = 7692
TARGET_NAMES = ("raw", "api", "api-noaudit", "peer")
#: The scaling run (issue 6): offenders per size, and the queries measured at each size.
SCALING_SIZES = (10_000, 100_000, 1_000_000)
SCALING_QUERIES = "offender_depth3,search_offenders"
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
    instance: str = BENCH_INSTANCE  # the local instance holding the dataset
    port: int | None = None  # its Bolt port (default: 7689 for `bench`, else 7692)
    replace_data: bool = False  # may a different dataset in the instance be replaced?
    scaling: bool = False  # the scaling run instead of the matrix
    scaling_sizes: tuple[int, ...] = SCALING_SIZES

    def __post_init__(self) -> None:
        unknown = [t for t in self.targets if t not in TARGET_NAMES]
        if unknown or not self.targets:
            raise ValueError(f"targets must be among {', '.join(TARGET_NAMES)}; got {unknown}")
        if not self.concurrency or min(self.concurrency) < 1:
            raise ValueError("concurrency levels must be positive integers")
        if not self.scaling_sizes or min(self.scaling_sizes) < 1:
            raise ValueError("scaling sizes must be positive offender counts")


@dataclass
class SmokeReport:
    """What smoke mode found: mismatches and errors, and how many answers held something.

    `explained` lists the peer's differences that its documented policy gaps account for
    (`compare_peer`); they are reported, not failed.
    """

    problems: list[str] = field(default_factory=list)
    non_empty: dict[str, int] = field(default_factory=dict)
    explained: list[str] = field(default_factory=list)
    not_expressible: dict[str, str] = field(default_factory=dict)


# --- dataset ---------------------------------------------------------------------------------


def bench_settings(instance: str = BENCH_INSTANCE, port: int | None = None) -> Settings:
    """The settings of the benchmark's database: a local instance unless NEO4J_URI is set.

    The port: `port`, else GRAPH_API_LOCAL_PORT, else 7689 for `bench` and 7692 for any other.
    """
    if os.environ.get("NEO4J_URI"):
        return Settings()
    if port is None and not os.environ.get("GRAPH_API_LOCAL_PORT") and instance != BENCH_INSTANCE:
        port = OTHER_INSTANCE_PORT
    if port is None:
        return Settings(graph_api_local_instance=instance)
    return Settings(graph_api_local_instance=instance, graph_api_local_port=port)


def ensure_dataset(
    settings: Settings,
    scale: str | None,
    seed: int,
    say: Callable[[str], None],
    *,
    offenders: int | None = None,
    replace_data: bool = False,
) -> tuple[neo4j.Driver, str]:
    """Start the database and load the preset (or `offenders`) unless it is there already.

    A database holding other data is replaced only with `replace_data` (or when it is empty):
    the national dataset takes a while to load, and a demo run must not wipe it by accident.
    """
    import seed as dataset

    plan = dataset.plan(scale, offenders, seed)
    if settings.uses_local_server:
        LocalServer(settings).start()
    driver, target = open_sync_driver(settings)
    try:
        migrate(driver, target.database)
        records, _, _ = driver.execute_query(
            "MATCH (d:Dataset) RETURN d.seed AS seed, d.scale AS scale, d.offenders AS offenders",
            database_=target.database,
        )
        wanted = {"seed": plan.seed, "scale": plan.scale, "offenders": plan.offenders}
        found = [r.data() for r in records]
        if found != [wanted]:
            empty = dataset.database_is_empty(driver, target.database)
            if not empty and not replace_data:
                held = ", ".join(
                    f"{d['scale']} ({d['offenders']:,}, seed {d['seed']})" for d in found
                )
                raise ValueError(
                    f"{target.uri} ({settings.graph_api_local_instance}) holds other data "
                    f"({held or 'not a seeded dataset'}); pass --replace-data to replace it, or "
                    "choose another --instance (and --port)"
                )
            say(
                f"loading {plan.scale} ({plan.offenders:,} offenders, seed {seed}) into "
                f"{target.uri}" + ("" if empty else "; this replaces its data")
            )
            if not empty:
                dataset.clear(driver, target.database)
            dataset.load(driver, target.database, plan)
    except BaseException:
        driver.close()
        raise
    return driver, target.database


_APOC_CHECK = """
SHOW FUNCTIONS YIELD name
WHERE name IN ['apoc.util.validatePredicate', 'apoc.date.convertFormat']
RETURN count(*) AS found
"""


def _has_apoc(settings: Settings) -> bool:
    """Whether the running database offers the two APOC functions the peer's start-up checks."""
    driver, target = open_sync_driver(settings)
    with driver:
        records, _, _ = driver.execute_query(_APOC_CHECK, database_=target.database)
    return bool(records[0]["found"] == 2)


def ensure_apoc(settings: Settings, say: Callable[[str], None]) -> None:
    """The peer's prerequisite: APOC core in the local instance, started with plugins.

    Installs APOC (bench/peer/install-apoc.sh, Maven) into the instance's plugins folder if it
    is not there, and (re)starts the instance with GRAPH_API_NEO4J_PLUGINS=true if it runs
    without. An external database (NEO4J_URI) must have APOC already; the peer says if not.
    """
    if not settings.uses_local_server:
        return
    os.environ[PLUGINS_ENV] = "true"  # this process's starts of the instance, from here on
    server = LocalServer(settings)
    if not any((server.home / "plugins").glob("apoc-core-*.jar")):
        server.fetch()  # the server's lib/ tells install-apoc.sh which jars it already ships
        say(f"installing APOC core into {server.home / 'plugins'} (Maven)")
        result = subprocess.run(  # noqa: S603 - our own script
            [str(PEER_DIR / "install-apoc.sh"), str(server.home), str(server.lib_dir)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ValueError(f"install-apoc.sh failed: {result.stderr.strip()[-500:]}")
    if server.status().running:
        if _has_apoc(settings):
            return
        say(f"restarting the {server.instance} instance with APOC ({PLUGINS_ENV}=true)")
        server.stop()
    server.start()
    if not _has_apoc(settings):
        raise ValueError(f"the {server.instance} instance started without APOC's functions")


# --- targets ---------------------------------------------------------------------------------


async def open_targets(
    names: Sequence[str], settings: Settings, principal: Principal, concurrency: int
) -> list[Target]:
    """Start the named targets: the driver for raw Cypher, a uvicorn server per API variant,
    the Node.js peer (the database must have APOC: `ensure_apoc`)."""
    token, national = (
        mint_token(
            settings,
            user=who.user_id,
            agency=who.agency,
            roles=sorted(who.roles),
            clearance=who.clearance,
            purpose=who.purpose,
            ttl_seconds=24 * 3600,
        )
        for who in (principal, national_searcher(principal))
    )
    environment = {
        "GRAPH_API_LOCAL_INSTANCE": settings.graph_api_local_instance,
        "GRAPH_API_LOCAL_PORT": str(settings.local_port),
    }
    logs = settings.graph_api_state_dir / "bench-logs"  # git-ignored
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
            elif name == "peer":
                peer = PeerServer(peer_environment(settings), logs / "peer.log")
                targets.append(await start_peer_target(peer, token, concurrency))
            else:
                audit = "false" if name == "api-noaudit" else "true"
                server = ApiServer(
                    {**environment, "GRAPH_API_AUDIT_ENABLED": audit},
                    logs / f"{name}.log",
                )
                targets.append(await start_api_target(name, server, (token, national), concurrency))
    except BaseException:
        await close_targets(targets)
        raise
    return targets


async def close_targets(targets: Sequence[Target]) -> None:
    for target in targets:
        await target.close()


# --- smoke -----------------------------------------------------------------------------------


#: Peer answers that must disclose exactly our ids: the scope rule (rule 1) is expressed exactly
#: and no link's visibility is involved.
PEER_EXACT = frozenset({"offenders_page", "search_offenders"})
#: Id prefixes of what the peer may lack in offender(id) depth 2-3 (gap 5: associates, and their
#: vehicles, that no in-scope offender anchors).
_GAP5_PREFIXES = ("asc_", "veh_")


def _undirected(ids: frozenset[str]) -> frozenset[str]:
    """Association edges without their stored direction (the library walks them undirected)."""
    out = set()
    for item in ids:
        source, arrow, target = item.partition("-ASSOCIATED_WITH->")
        out.add(f"{min(source, target)}-ASSOCIATED_WITH-{max(source, target)}" if arrow else item)
    return frozenset(out)


def compare_peer(
    query: BenchQuery, request: Request, ours: frozenset[str], peer: frozenset[str]
) -> tuple[str | None, str | None]:
    """(problem, explained difference) of the peer's ids against ours (bench/peer/README.md).

    - page and name search: exactly our ids (scope is expressed exactly);
    - offender(id) depth 1-3 and plates: the peer may show more (gaps 1-2: a link above the
      clearance or above a share's ceiling is still shown when its target passes its own rule);
      it may lack only associates and their vehicles at depth 2-3 (gap 5). Anything else of
      ours it lacks is a problem (a plate page full of the peer's extras may push ours out);
    - network depth 2 (an approximation: a nested tree): association edges compare without
      direction; ours may hold stubs and non-anchored nodes (gaps 3, 5), the peer nodes behind
      links our policy hides (gaps 1, 2, 6); the root and at least one neighbour must agree.
    """
    label = f"{query.name} {request.variables}"
    if query.name == "network_depth2":
        ours, peer = _undirected(ours), _undirected(peer)
        root = request.variables["id"]
        if root not in peer or (len(ours) > 1 and len(ours & peer) < 2):
            return f"{label}: the peer's network does not overlap ours", None
    if ours == peer:
        return None, None
    extra, missing = sorted(peer - ours), sorted(ours - peer)
    detail = f"peer has {extra[:5]} ({len(extra)}) lacks {missing[:5]} ({len(missing)})"
    if query.name in PEER_EXACT:
        return f"{label}: answers differ: {detail}", None
    if query.name == "network_depth2":
        return None, f"{label}: gaps 1-3, 5-6 (approximate query): {detail}"
    if query.name in ("offender_depth2", "offender_depth3"):
        unexplained = [i for i in missing if not i.startswith(_GAP5_PREFIXES)]
    elif query.name == "vehicles_plate":
        unexplained = missing if len([i for i in peer if i.startswith("veh_")]) < 20 else []
    else:
        unexplained = missing
    if unexplained:
        return f"{label}: the peer lacks {unexplained[:5]}: {detail}", None
    return None, f"{label}: gaps 1-2 (extra) and 5 (missing associates): {detail}"


async def smoke(
    targets: Sequence[Target],
    queries: Sequence[BenchQuery],
    workload: Workload,
    per_query: int = SMOKE_REQUESTS,
) -> SmokeReport:
    """Every target answers every request, and every answer discloses the same ids.

    The peer's answers are held against the first other target's with `compare_peer`; a query
    the peer cannot express is listed in `not_expressible`, not sent.
    """
    found = SmokeReport()
    peers = [t for t in targets if isinstance(t, PeerTarget)]
    others = [t for t in targets if not isinstance(t, PeerTarget)]
    for query in queries:
        found.non_empty[query.name] = 0
        for peer in peers:
            reason = peer.unsupported(query)
            if reason:
                found.not_expressible[query.name] = reason
        for request in workload.of(query)[:per_query]:
            answers: dict[str, frozenset[str]] = {}
            for target in targets:
                if _unsupported(target, query):
                    continue
                try:
                    answers[target.name] = query.answer_ids(await target.answer(query, request))
                except TargetError as error:
                    found.problems.append(
                        f"{target.name} {query.name} {request.variables}: {error}"
                    )
            ours = {t.name: answers[t.name] for t in others if t.name in answers}
            if len(set(ours.values())) > 1:
                reference = next(iter(ours.values()))
                detail = "; ".join(
                    f"{name} has {sorted(ids - reference)[:5]} lacks {sorted(reference - ids)[:5]}"
                    for name, ids in ours.items()
                    if ids != reference
                )
                found.problems.append(f"{query.name} {request.variables}: answers differ: {detail}")
            for peer in peers:
                if peer.name in answers and ours:
                    problem, explained = compare_peer(
                        query, request, next(iter(ours.values())), answers[peer.name]
                    )
                    if problem:
                        found.problems.append(f"{peer.name} {problem}")
                    if explained:
                        found.explained.append(f"{peer.name} {explained}")
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
    database_pid: int | None = None,
) -> list[Sample]:
    """Every query at every concurrency, the targets alternating in rounds.

    A target that cannot express a query (the peer's shortestPath) sits that query out; the
    report shows its cells as n/a with the reason (`not_expressible`). Each run also records the
    CPU time of the target's server and of Neo4j (`database_pid`) meanwhile (bench/cpu.py).
    """
    samples: list[Sample] = []
    all_targets = targets
    for query in queries:
        requests = workload.of(query)
        targets = [t for t in all_targets if not _unsupported(t, query)]
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
                    meter = CpuMeter(_server_pid(target), database_pid)
                    meter.start()
                    sample, cursors[target.name] = await closed_loop(
                        sender(target),
                        requests,
                        concurrency,
                        start=cursors[target.name],
                        count=count,
                        duration=duration,
                    )
                    sample.server_cpu, sample.database_cpu = meter.stop()
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


def _server_pid(target: Target) -> int | None:
    """The process id of the server a target runs (the API's, the peer's); None for raw Cypher,
    whose only server is Neo4j."""
    process = getattr(getattr(target, "server", None), "process", None)
    return process.pid if process is not None else None


def _unsupported(target: Target, query: BenchQuery) -> str | None:
    unsupported = getattr(target, "unsupported", None)
    return unsupported(query) if unsupported is not None else None


def not_expressible(
    targets: Sequence[Target], queries: Sequence[BenchQuery]
) -> dict[tuple[str, str], str]:
    """(target, query) -> why the target cannot answer it, for the report's n/a cells."""
    return {
        (t.name, q.name): reason for t in targets for q in queries if (reason := _unsupported(t, q))
    }


def caveats(targets: Sequence[Target], queries: Sequence[BenchQuery]) -> dict[str, str]:
    """(query) -> how the peer answers it when not plainly (approximate, client-built input)."""
    found = {}
    for target in targets:
        if isinstance(target, PeerTarget):
            for query in queries:
                caveat = target.caveat(query)
                if caveat:
                    found[query.name] = f"{target.name}: {caveat}"
    return found


def _share(total: int, parts: int, index: int) -> int:
    """The `index`-th of `parts` near-equal shares of `total`."""
    return total // parts + (1 if index < total % parts else 0)


# --- the command -----------------------------------------------------------------------------


def _peer_versions() -> str:
    """The peer's runtime and pinned library versions, for the results' header."""
    import shutil

    node = shutil.which("node")
    version = (
        subprocess.run(  # noqa: S603 - node from PATH, read-only
            [node, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if node
        else "unknown"
    )
    pins = json.loads((PEER_DIR / "package.json").read_text())["dependencies"]
    return (
        f"Neo4j GraphQL Library {pins['@neo4j/graphql']} on Node.js {version}, Apollo Server "
        f"{pins['@apollo/server']}, neo4j-driver {pins['neo4j-driver']}; no audit, no purpose, "
        "and a weaker policy (bench/peer/README.md, policy gaps): it does less work"
    )


def _memory(settings: Settings) -> str:
    """Heap and page cache of the running instance, as its rendered neo4j.conf says."""
    conf = LocalServer(settings).conf_dir / "neo4j.conf"
    values = {}
    if conf.exists():
        for line in conf.read_text().splitlines():
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    heap = values.get("server.memory.heap.max_size", settings.graph_api_neo4j_heap)
    cache = values.get("server.memory.pagecache.size", settings.graph_api_neo4j_pagecache)
    plugins = ", APOC" if "dbms.security.procedures.unrestricted" in values else ""
    return f"heap {heap}, page cache {cache}{plugins}"


def _describe(
    options: BenchOptions,
    settings: Settings,
    principal: Principal,
    database: str,
    dataset: str | None = None,
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
    meta = {
        "dataset": dataset or f"{options.scale} preset, seed {options.seed}",
        "database": f"Neo4j {neo4j_version()} ({settings.graph_api_local_instance} instance, "
        f"{_memory(settings)})"
        if settings.uses_local_server
        else f"{settings.neo4j_uri} ({database})",
        "principal": f"{', '.join(sorted(principal.roles))} of {principal.agency}, "
        f"clearance {principal.clearance.value} (the national search rows: the same with "
        "NATIONAL_SEARCH)",
        "machine load": "load average "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (1, 5, 15 min) at the end of the run",
        "load": f"closed loop, {load}; targets alternate in {options.rounds} rounds",
        "api": "`graph-api serve` (uvicorn, 1 worker, production mode, access log to a file), "
        "over HTTP/1.1 keep-alive from the lean client (bench/http_client.py); "
        "api = audit on, api-noaudit = audit off",
    }
    if "peer" in options.targets:
        meta["peer"] = _peer_versions()
    meta |= {
        "machine": f"{os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}; client, API, peer and Neo4j share it",
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": f"{commit or 'unknown'} (plus uncommitted changes, if any)",
    }
    return meta


def _prepare(
    options: BenchOptions,
    settings: Settings,
    queries: Sequence[BenchQuery],
    say: Callable[[str], None],
    *,
    offenders: int | None = None,
    replace_data: bool = False,
) -> tuple[Principal, Workload, str]:
    """The database (with APOC if the peer runs), its dataset, the principal and the requests."""
    if "peer" in options.targets:
        ensure_apoc(settings, say)
    scale = None if offenders is not None else options.scale
    driver, database = ensure_dataset(
        settings, scale, options.seed, say, offenders=offenders, replace_data=replace_data
    )
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
            driver, database, tuple(queries), principal, count, options.workload_seed
        )
    return principal, workload, database


def run(options: BenchOptions, say: Callable[[str], None] = print) -> bool:
    """Run the benchmark (or the smoke check, or the scaling run); True when all succeeded."""
    if options.scaling:
        return run_scaling(options, say)
    queries = select(options.queries)
    settings = bench_settings(options.instance, options.port)
    principal, workload, database = _prepare(
        options, settings, queries, say, replace_data=options.replace_data
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
            for difference in found.explained:
                say(f"explained by the peer's policy gaps: {difference}")
            for name, reason in found.not_expressible.items():
                say(f"peer: {name} n/a ({reason})")
            say(f"smoke: non-empty answers per query {found.non_empty}")
            return not found.problems
        database_pid = LocalServer(settings).status().pid if settings.uses_local_server else None
        samples = await measure(targets, queries, workload, options, say, database_pid)
        missing = not_expressible(targets, queries)
        notes = caveats(targets, queries)
    finally:
        await close_targets(targets)
    meta = _describe(options, settings, principal, database)
    names = [t.name for t in targets]
    summaries = report.summarise(samples)
    levels = "-".join(str(c) for c in options.concurrency)
    stem = options.output or f"{options.scale}-c{levels}-{dt.date.today().isoformat()}"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    title = f"Offender Graph API benchmark: {options.scale} dataset"
    markdown = report.markdown(
        summaries, queries, names, meta, title, not_expressible=missing, caveats=notes
    )
    (RESULTS_DIR / f"{stem}.md").write_text(markdown)
    report.write_json(samples, meta, RESULTS_DIR / f"{stem}.json", not_expressible=missing)
    try:
        report.chart(
            summaries, queries, names, title, RESULTS_DIR / f"{stem}.png", not_expressible=missing
        )
    except ImportError:
        say("matplotlib is not installed (pip install -e '.[bench]'): no chart drawn")
    say(f"wrote {RESULTS_DIR / stem}.md")
    return not any(sample.errors for sample in samples)


# --- scaling ---------------------------------------------------------------------------------


def size_label(offenders: int) -> str:
    """10000 -> 10k, 1000000 -> 1m (instance names are lower case)."""
    if offenders % 1_000_000 == 0:
        return f"{offenders // 1_000_000}m"
    if offenders % 1_000 == 0:
        return f"{offenders // 1_000}k"
    return str(offenders)


def run_scaling(options: BenchOptions, say: Callable[[str], None] = print) -> bool:
    """The scaling run: the same queries on 10k / 100k / 1M offenders, one instance per size.

    Each size lives in its own instance (`<instance>-10k`, ...; its data is kept for the next
    run, and replaced only if it holds another size or seed), started for its turn and stopped
    after it if this run started it, so that only one database holds memory at a time.
    Queries default to the depth-3 read and the name search.
    """
    if os.environ.get("NEO4J_URI"):
        raise ValueError("the scaling run needs local instances (one per size); unset NEO4J_URI")
    options = replace(options, queries=options.queries or SCALING_QUERIES)
    queries = select(options.queries)
    by_size: dict[int, list[Sample]] = {}
    meta: dict[str, str] = {}
    ok = True
    for offenders in options.scaling_sizes:
        instance = f"{options.instance}-{size_label(offenders)}"
        settings = bench_settings(instance, options.port)
        server = LocalServer(settings)
        was_running = server.status().running
        say(f"scaling: {offenders:,} offenders in the {instance} instance (port {server.port})")
        try:
            principal, workload, database = _prepare(
                options, settings, queries, say, offenders=offenders, replace_data=True
            )
            samples, missing, notes = asyncio.run(
                _measure_only(options, queries, settings, principal, workload, say)
            )
        finally:
            if not was_running and settings.uses_local_server:
                LocalServer(settings).stop()
        by_size[offenders] = samples
        ok = ok and not any(sample.errors for sample in samples)
        meta = _describe(
            options,
            settings,
            principal,
            database,
            dataset=", ".join(f"{n:,}" for n in options.scaling_sizes)
            + f" offenders (seed {options.seed}), one instance per size",
        )
        meta["database"] = meta["database"].replace(instance, f"{options.instance}-<size>")
    levels = "-".join(str(c) for c in options.concurrency)
    sizes = "-".join(size_label(n) for n in options.scaling_sizes)
    stem = options.output or f"scaling-{sizes}-c{levels}-{dt.date.today().isoformat()}"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    title = "Offender Graph API benchmark: latency against data size"
    names = list(options.targets)
    (RESULTS_DIR / f"{stem}.md").write_text(
        report.scaling_markdown(by_size, queries, names, meta, title, missing, notes)
    )
    report.write_scaling_json(by_size, meta, RESULTS_DIR / f"{stem}.json")
    try:
        report.scaling_chart(by_size, queries, names, title, RESULTS_DIR / f"{stem}.png")
    except ImportError:
        say("matplotlib is not installed (pip install -e '.[bench]'): no chart drawn")
    say(f"wrote {RESULTS_DIR / stem}.md")
    return ok


async def _measure_only(
    options: BenchOptions,
    queries: Sequence[BenchQuery],
    settings: Settings,
    principal: Principal,
    workload: Workload,
    say: Callable[[str], None],
) -> tuple[list[Sample], dict[tuple[str, str], str], dict[str, str]]:
    targets = await open_targets(options.targets, settings, principal, max(options.concurrency))
    try:
        database_pid = LocalServer(settings).status().pid if settings.uses_local_server else None
        samples = await measure(targets, queries, workload, options, say, database_pid)
        return samples, not_expressible(targets, queries), caveats(targets, queries)
    finally:
        await close_targets(targets)
