"""`graph-api bench`: the benchmark's command, added to the product's CLI through the entry
point `graph_api.commands` (pyproject.toml), so the product never imports the benchmark."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from graph_api.cli import console, fail, run_step


def _dataset(options: Any, limit: int) -> tuple[Any, str, list[str]]:
    """The benchmark's database (its dataset loaded if need be), the principal's agency (the
    biggest manager unless --agency) and up to `limit` of the offenders it manages."""
    from bench.run import bench_settings, ensure_dataset
    from bench.workload import biggest_agency

    settings = bench_settings(options.instance, options.port)
    driver, database = ensure_dataset(
        settings, options.scale, options.seed, console.print, replace_data=options.replace_data
    )
    with driver:
        agency = options.agency or biggest_agency(driver, database)
        records, _, _ = driver.execute_query(
            "MATCH (o:Offender {managingAgency: $agency}) RETURN o.id AS id ORDER BY id "
            "LIMIT $limit",
            agency=agency,
            limit=limit,
            database_=database,
        )
    return settings, agency, [r["id"] for r in records]


def _memory_run(
    options: Any, requests: int | None, seconds: float | None, port: int | None
) -> None:
    """`bench --memory N` / `--soak SECONDS`: the server's RSS and latency over time."""
    import asyncio

    from bench.memory import run_memory

    settings, agency, offenders = _dataset(options, 5000)
    output = options.output or ("memory" if requests is not None else "soak")
    rows = asyncio.run(
        run_memory(
            settings, agency, offenders, requests=requests, seconds=seconds,
            concurrency=max(options.concurrency), output=output, say=console.print, port=port,
        )
    )  # fmt: skip
    console.print(f"peak RSS {max(r['rss_mb'] for r in rows):.0f} MB; bench/results/{output}.md")


def _recovery_run(options: Any, after: float, rehearsal: bool) -> None:
    """`bench --recovery SECONDS`: a Neo4j restart under load (bench/recovery.py)."""
    import asyncio

    from bench.queries import select
    from bench.recovery import RECOVERY_QUERIES, run_recovery
    from bench.run import bench_settings, ensure_dataset
    from bench.workload import analyst, biggest_agency, build_workload

    settings = bench_settings(options.instance, options.port)
    driver, database = ensure_dataset(
        settings, options.scale, options.seed, console.print, replace_data=options.replace_data
    )
    queries = select(options.queries or RECOVERY_QUERIES)
    with driver:
        principal = analyst(options.agency or biggest_agency(driver, database))
        workload = build_workload(driver, database, queries, principal, 200, options.workload_seed)
    output = options.output or ("recovery" if rehearsal else "recovery-no-rehearsal")
    figures = asyncio.run(
        run_recovery(
            settings, workload, queries, clients=max(options.concurrency), after=after,
            rehearsal=rehearsal, output=output, say=console.print,
        )
    )  # fmt: skip
    console.print(f"{figures}; bench/results/{output}.md")


def _audit_trail_run(options: Any, records: int) -> None:
    """`bench --audit-trail N`: one offender's trail with N records (bench/audit_trail.py)."""
    import asyncio

    from bench.audit_trail import run_audit_trail, top_up
    from graph_api.db import open_sync_driver

    settings, agency, [offender] = _dataset(options, 1)
    driver, target = open_sync_driver(settings)
    with driver:
        have = top_up(driver, target.database, offender, records, console.print)
    output = options.output or "audit-trail"
    asyncio.run(
        run_audit_trail(
            settings, agency, offender, have, requests=options.requests or 200, output=output,
            say=console.print,
        )
    )  # fmt: skip
    console.print(f"bench/results/{output}.md")


def _cold_documents_run(options: Any, count: int) -> None:
    """`bench --cold-documents N`: new documents against their warm repeat."""
    import asyncio

    from bench.cold_documents import run_cold_documents

    settings, agency, offenders = _dataset(options, 500)
    output = options.output or "cold-documents"
    asyncio.run(
        run_cold_documents(settings, agency, offenders, count, output=output, say=console.print)
    )
    console.print(f"bench/results/{output}.md")


def _explorer_first_use_run(options: Any) -> None:
    """`bench --explorer-first-use`: the explorer's views on an empty plan cache."""
    import asyncio

    from bench.explorer_first_use import run_explorer_first_use

    settings, agency, offenders = _dataset(options, 1)
    output = options.output or "explorer-first-use"
    asyncio.run(
        run_explorer_first_use(settings, agency, offenders[0], output=output, say=console.print)
    )
    console.print(f"bench/results/{output}.md")


def _events_run(options: Any, subscribers: str, count: int) -> None:
    """`bench --events`: delivery latency and the write overhead of change events."""
    import asyncio

    from bench.events import run_events

    counts = tuple(int(n) for n in subscribers.split(",") if n.strip())
    settings, agency, offenders = _dataset(options, 20)
    asyncio.run(
        run_events(
            settings, agency, offenders, counts, count,
            options.output or "events", console.print,
        )
    )  # fmt: skip


def bench_command(
    scale: Annotated[
        str, typer.Option(help="Dataset preset, loaded into the instance if not there.")
    ] = "national",
    seed: Annotated[int, typer.Option(help="Seed of the dataset.")] = 1,
    concurrency: Annotated[
        str, typer.Option(help="Comma-separated concurrency levels (closed-loop workers).")
    ] = "1,8,32",
    duration: Annotated[
        float, typer.Option(min=0.1, help="Seconds per query, concurrency and target.")
    ] = 10.0,
    requests: Annotated[
        int | None,
        typer.Option(min=1, help="Requests per query, concurrency and target (not a duration)."),
    ] = None,
    warmup: Annotated[int, typer.Option(min=0, help="Warm-up requests per cell and target.")] = 20,
    targets: Annotated[
        str,
        typer.Option(
            help="Comma-separated: raw, api, api-noaudit, peer (the Neo4j GraphQL Library; "
            "needs Node.js 20, and restarts the instance with APOC)."
        ),
    ] = "raw,api,api-noaudit,peer",
    queries: Annotated[
        str | None, typer.Option(help="Comma-separated query names (default: the whole set).")
    ] = None,
    agency: Annotated[
        str | None, typer.Option(help="The analyst's agency (default: the biggest manager).")
    ] = None,
    smoke: Annotated[
        bool, typer.Option("--smoke", help="Check every target answers alike; time nothing.")
    ] = False,
    output: Annotated[
        str | None, typer.Option(help="File name stem of the results in bench/results/.")
    ] = None,
    instance: Annotated[
        str, typer.Option(help="Local instance holding the dataset (its own folder and data).")
    ] = "bench",
    port: Annotated[
        int | None,
        typer.Option(help="Bolt port of the instance (default: 7689 for bench, else 7692)."),
    ] = None,
    replace_data: Annotated[
        bool,
        typer.Option("--replace-data", help="Replace a different dataset found in the instance."),
    ] = False,
    scaling: Annotated[
        bool,
        typer.Option(
            "--scaling",
            help="Latency against data size: one instance per size (<instance>-10k, ...); "
            "depth-3 read and name search unless --queries.",
        ),
    ] = False,
    scaling_sizes: Annotated[
        str, typer.Option(help="Comma-separated offender counts of the scaling run.")
    ] = "10000,100000,1000000",
    memory: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Memory mode: send this many distinct documents (and variable values) from "
            "99 principals, recording the server's RSS (bench/memory.py).",
        ),
    ] = None,
    soak: Annotated[
        float | None,
        typer.Option(
            min=1, help="Soak mode: the ordinary mix for this many seconds, RSS and latency."
        ),
    ] = None,
    recovery: Annotated[
        float | None,
        typer.Option(
            min=1,
            help="Recovery mode: restart Neo4j under load and ask for this many seconds after "
            "(bench/recovery.py).",
        ),
    ] = None,
    rehearsal: Annotated[
        bool,
        typer.Option(help="Recovery mode: plan the remembered statements again after a loss."),
    ] = True,
    audit_trail: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Audit-trail mode: give one offender this many audit records and time its "
            "auditTrail reads (bench/audit_trail.py; --requests per read, default 200).",
        ),
    ] = None,
    cold_documents: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Cold-document mode: this many documents never seen before, each then sent "
            "again, one at a time (bench/cold_documents.py).",
        ),
    ] = None,
    explorer_first_use: Annotated[
        bool,
        typer.Option(
            "--explorer-first-use",
            help="The explorer's views on an emptied plan cache, with its trusted documents "
            "planned at start and without (bench/explorer_first_use.py).",
        ),
    ] = False,
    api_port: Annotated[
        int | None, typer.Option(help="Port of the API server the memory and soak modes start.")
    ] = None,
    events: Annotated[
        bool,
        typer.Option(
            "--events",
            help="Instant sharing (bench/events.py): change-event delivery latency with "
            "--event-subscribers on one and on two API processes, and the write latency the "
            "event adds.",
        ),
    ] = False,
    event_subscribers: Annotated[
        str, typer.Option(help="Comma-separated subscriber counts of --events.")
    ] = "1,100,1000",
    event_count: Annotated[
        int, typer.Option(min=1, help="Changes written per --events cell.")
    ] = 20,
) -> None:
    """Measure the API against hand-written Cypher and the peer (issues 3 and 6).

    Results go to bench/results/. See bench/README.md for the smoke, demo, national and
    scaling runs.
    """
    from bench.run import BenchOptions, run  # the harness is a separate package, loaded only here

    def options() -> BenchOptions:
        try:
            levels = tuple(int(level) for level in concurrency.split(",") if level.strip())
        except ValueError:
            raise ValueError("--concurrency takes comma-separated integers, e.g. 1,8,32") from None
        try:
            sizes = tuple(int(size) for size in scaling_sizes.split(",") if size.strip())
        except ValueError:
            raise ValueError("--scaling-sizes takes comma-separated integers") from None
        return BenchOptions(
            scale=scale, seed=seed, concurrency=levels, duration=duration, requests=requests,
            warmup=warmup, targets=tuple(t.strip() for t in targets.split(",") if t.strip()),
            queries=queries, agency=agency.strip().upper() if agency else None, smoke=smoke,
            output=output, instance=instance, port=port, replace_data=replace_data,
            scaling=scaling, scaling_sizes=sizes,
        )  # fmt: skip

    from bench.targets import TargetError

    chosen = run_step(options)
    if recovery is not None:
        run_step(lambda: _recovery_run(chosen, recovery, rehearsal))
        return
    if events:
        run_step(lambda: _events_run(chosen, event_subscribers, event_count))
        return
    if cold_documents is not None:
        run_step(lambda: _cold_documents_run(chosen, cold_documents))
        return
    if explorer_first_use:
        run_step(lambda: _explorer_first_use_run(chosen))
        return
    if audit_trail is not None:
        run_step(lambda: _audit_trail_run(chosen, audit_trail))
        return
    if memory is not None or soak is not None:
        run_step(lambda: _memory_run(chosen, memory, soak, api_port))
        return
    try:
        succeeded = run_step(lambda: run(chosen, say=console.print))
    except TargetError as error:  # a target would not start (the peer without Node.js, ...)
        fail(str(error))
    if not succeeded:
        fail("some requests failed or answers differ; this run is not a result")
