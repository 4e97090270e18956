"""The `graph-api` command: local database, seeding, serving, tokens."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path  # noqa: TC003 - typer reads option annotations at runtime
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import neo4j
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graph_api.cypher_files import migrations
from graph_api.db import (
    DatabaseAccessError,
    LocalServer,
    LocalServerError,
    applied_versions,
    migrate,
    open_sync_driver,
)
from graph_api.domain import Classification, Role
from graph_api.identity import mint_token
from graph_api.settings import get_settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from graph_api.settings import Settings

app = typer.Typer(
    help="Offender Graph API: run the local database, seed synthetic data, serve GraphQL.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The project's local Neo4j server (ignored when NEO4J_URI is set).")
app.add_typer(db_app, name="db")

console = Console(stderr=True, highlight=False)
T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """Report a failure as one line and exit non-zero."""
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """Expected failures print one clear line and exit non-zero, never a traceback."""
    try:
        yield
    except (LocalServerError, DatabaseAccessError, ValueError) as error:
        fail(str(error))


def run_step(step: Callable[[], T]) -> T:
    """Run one step of a command: expected failures print one line and exit non-zero."""
    with _one_line_errors():
        return step()


# --- db ---------------------------------------------------------------------------------------


@db_app.command("start")
def db_start() -> None:
    """Fetch (first time), start and wait for the local Neo4j; does nothing if it already runs."""
    settings = get_settings()
    if not settings.uses_local_server:
        driver, target = run_step(lambda: open_sync_driver(settings))
        driver.close()
        console.print(f"NEO4J_URI is set: using {target.uri}; no local server started")
        return
    server = LocalServer(settings)
    with _one_line_errors():
        if not (server.lib_dir.parent / ".complete").exists():
            console.print(f"fetching Neo4j {server.version} from Maven Central ...")
        started = server.start()
    state = "started" if started else "already running"
    console.print(
        f"Neo4j {server.version} ({server.instance}) {state} on bolt://127.0.0.1:{server.port}"
    )


@db_app.command("stop")
def db_stop() -> None:
    """Stop the local Neo4j."""
    server = LocalServer(get_settings())
    stopped = run_step(server.stop)
    console.print(f"Neo4j ({server.instance}) {'stopped' if stopped else 'was not running'}")


@db_app.command("status")
def db_status() -> None:
    """Say whether the database runs and answers, and which migrations it has."""
    settings = get_settings()
    if settings.uses_local_server:
        status = LocalServer(settings).status()
        if not status.running:
            console.print(f"Neo4j ({status.instance}) is not running")
            raise typer.Exit(code=3)
        console.print(
            f"Neo4j ({status.instance}) running, pid {status.pid}, port {status.port}, "
            f"{'answering' if status.answering else 'not answering yet'}"
        )
    driver, target = run_step(lambda: open_sync_driver(settings))
    with driver:
        versions = sorted(applied_versions(driver, target.database))
    console.print(f"{target.uri} answers; migrations applied: {versions or 'none'}")


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply the schema migrations in cypher/migrations that the database lacks."""
    driver, target = run_step(lambda: open_sync_driver(get_settings()))
    with driver:
        applied = run_step(lambda: migrate(driver, target.database))
    names = ", ".join(f"{m.version:04d}_{m.name}" for m in applied) or "nothing to apply"
    console.print(f"migrations: {names}")


audit_app = typer.Typer(help="The section-62 audit trail: retention.")
app.add_typer(audit_app, name="audit")


@audit_app.command("archive")
def audit_archive(
    older_than_days: Annotated[
        int | None,
        typer.Option(min=1, help="Retention in days (default GRAPH_API_AUDIT_RETENTION_DAYS)."),
    ] = None,
    to: Annotated[
        Path | None,
        typer.Option(help="Archive folder (default GRAPH_API_AUDIT_ARCHIVE_DIR)."),
    ] = None,
) -> None:
    """Export audit records older than the retention to a compressed JSON Lines file (checked,
    with its SHA-256 in MANIFEST.jsonl), then delete them; delete expired idempotency keys."""
    import datetime as dt

    from graph_api.audit_archive import archive_audit

    settings = get_settings()
    driver, target = run_step(lambda: open_sync_driver(settings))
    with driver:
        done = run_step(
            lambda: archive_audit(
                driver,
                target.database,
                to or settings.graph_api_audit_archive_dir,
                retention=dt.timedelta(
                    days=older_than_days or settings.graph_api_audit_retention_days
                ),
                idempotency_lifetime=dt.timedelta(hours=settings.graph_api_idempotency_hours),
                say=console.print,
            )
        )
    if done.file is None:
        console.print("no audit record is older than the retention")
    else:
        console.print(
            f"archived {done.records:,} audit records to {done.file} (sha256 {done.sha256}); "
            f"deleted {done.deleted:,}"
        )
    console.print(f"expired idempotency keys deleted: {done.expired_keys:,}")


@db_app.command("reset")
def db_reset(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete the local instance's data (the jars stay), then start it empty and migrated."""
    settings = get_settings()
    if not settings.uses_local_server:
        fail("reset only works on the local server; NEO4J_URI is set")
    server = LocalServer(settings)
    if not yes and sys.stdin.isatty():
        typer.confirm(f"Delete all data of the local instance '{server.instance}'?", abort=True)
    with _one_line_errors():
        server.reset()
        server.start()
    db_migrate()


# --- seed -------------------------------------------------------------------------------------


@app.command("seed")
def seed_command(
    scale: Annotated[str, typer.Option(help="tiny, demo, national or stress.")] = "demo",
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same graph.")] = 1,
    offenders: Annotated[
        int | None, typer.Option(help="Number of offenders, overriding the scale's.")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Delete the data already in the database first.")
    ] = False,
    if_empty: Annotated[
        bool,
        typer.Option("--if-empty", help="Do nothing (and succeed) if the database holds data."),
    ] = False,
) -> None:
    """Load the synthetic national dataset (docs/design.md §8), batched, with a progress bar."""
    import seed as dataset  # heavy (Faker): imported only for this command

    plan = run_step(lambda: dataset.plan(scale if offenders is None else None, offenders, seed))
    driver, target = run_step(lambda: open_sync_driver(get_settings()))
    with driver:
        run_step(lambda: migrate(driver, target.database))
        if not dataset.database_is_empty(driver, target.database):
            if if_empty:
                console.print("the database already holds data; not seeding")
                return
            if not replace:
                fail("the database already holds data; pass --replace to delete it and seed again")
            console.print("deleting the existing data ...")
            dataset.clear(driver, target.database)
        with Progress(
            TextColumn(f"seeding {plan.scale} ({plan.offenders:,} offenders)"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("seed", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = dataset.load(driver, target.database, plan, advance)
    rate = (report.nodes + report.relationships) / max(report.seconds, 1e-9)
    console.print(
        f"seeded {report.nodes:,} nodes and {report.relationships:,} relationships in "
        f"{report.seconds:.1f}s ({rate:,.0f} per second); content hash {report.content_hash[:16]}"
    )


# --- token ------------------------------------------------------------------------------------


@app.command("token")
def token(
    user: Annotated[str, typer.Option(help="User id (the token's subject).")],
    agency: Annotated[str, typer.Option(help="Agency code, e.g. MET.")],
    roles: Annotated[
        str, typer.Option(help="Comma-separated roles, e.g. ANALYST,SUPERVISOR.")
    ] = "ANALYST",
    clearance: Annotated[
        str, typer.Option(help="OFFICIAL, OFFICIAL_SENSITIVE or SECRET.")
    ] = "OFFICIAL_SENSITIVE",
    purpose: Annotated[
        str | None, typer.Option(help="Purpose claim recorded in the audit.")
    ] = None,
    hours: Annotated[int, typer.Option(min=1, max=24, help="Lifetime in hours.")] = 8,
) -> None:
    """Mint a local HS256 token for trying the API (prints it on standard output)."""

    def mint() -> str:
        try:
            role_list = [Role(r.strip().upper()) for r in roles.split(",") if r.strip()]
        except ValueError:
            raise ValueError(f"roles must be among {', '.join(r.value for r in Role)}") from None
        try:
            level = Classification(clearance.strip().upper())
        except ValueError:
            allowed = ", ".join(c.value for c in Classification)
            raise ValueError(f"clearance must be one of {allowed}") from None
        return mint_token(
            get_settings(), user=user, agency=agency.strip().upper(), roles=role_list,
            clearance=level, purpose=purpose, ttl_seconds=hours * 3600,
        )  # fmt: skip

    typer.echo(run_step(mint))


# --- schema -----------------------------------------------------------------------------------


@app.command("schema")
def schema_command(
    write: Annotated[
        bool, typer.Option("--write", help="Write schema.graphql instead of printing.")
    ] = False,
) -> None:
    """Print the GraphQL SDL (or write it to schema.graphql at the project root)."""
    from graph_api.schema import build_schema
    from graph_api.settings import PROJECT_ROOT

    sdl = build_schema().as_str() + "\n"
    if write:
        (PROJECT_ROOT / "schema.graphql").write_text(sdl)
        console.print("wrote schema.graphql")
    else:
        typer.echo(sdl, nl=False)


# --- serve ------------------------------------------------------------------------------------


@app.command("serve")
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default from settings).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind (default from settings).")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default GRAPH_API_WORKERS, 1).")
    ] = None,
) -> None:
    """Serve the GraphQL API with uvicorn."""
    import uvicorn

    from graph_api.client_guard import GuardedHttpProtocol
    from graph_api.request_log import configure_logging
    from graph_api.trusted_documents import ManifestError, TrustedDocuments

    settings = get_settings()
    try:  # a manifest that cannot be used is named before the server starts
        TrustedDocuments.from_settings(settings)
    except ManifestError as error:
        fail(str(error))
    _refuse_a_schema_behind(settings)
    uvicorn.run(
        "graph_api.app:create_app",
        factory=True,
        host=host or settings.graph_api_host,
        port=port or settings.graph_api_port,
        workers=workers or settings.graph_api_workers,
        # Header-read deadline and connections per address (graph_api/client_guard.py).
        http=GuardedHttpProtocol,
        log_config=configure_logging(settings),
        access_log=False,  # graph_api.request_log writes one line per request instead
        proxy_headers=False,
        server_header=False,
    )


def _refuse_a_schema_behind(settings: Settings) -> None:
    """Exit with a clear line when the database lacks migrations this code needs (a statement
    may name an index in a hint, and would fail); a database that does not answer yet is
    left to the server, which waits for it."""
    try:
        driver, target = open_sync_driver(settings)
        with driver:
            done = applied_versions(driver, target.database)
    except (DatabaseAccessError, neo4j.exceptions.Neo4jError, OSError) as error:
        console.print(f"[yellow]warning:[/yellow] the schema was not checked: {error}")
        return
    pending = [f"{m.version:04d}_{m.name}" for m in migrations() if m.version not in done]
    if pending:
        fail(
            f"the database lacks migrations {', '.join(pending)}: run `graph-api db migrate` first"
        )


# --- commands other packages add ------------------------------------------------------------


def _add_plugin_commands() -> None:
    """Commands that other installed packages add under `graph-api` (entry points in the group
    `graph_api.commands`): the benchmark adds `graph-api bench` this way (`bench/cli.py`), so
    the product never imports the tools that measure it."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="graph_api.commands"):
        app.command(entry.name)(entry.load())


def main() -> None:
    """Console-script entry point."""
    _add_plugin_commands()
    app()
