"""What the benchmark measures: targets that answer a `Request` of a `BenchQuery`.

A target is anything with a `name`, an async `answer(query, request)` returning the answer
(`BenchQuery.answer_ids` reduces it) or raising `TargetError`, and an async `close()`:

- `RawCypherTarget`: the hand-written statement through the official async driver;
- `ApiTarget`: our GraphQL document over HTTP (a uvicorn server started by `ApiServer`, or an
  in-process ASGI client in the tests);
- `PeerTarget`: the Neo4j GraphQL Library (bench/peer/, `node server.mjs` started by
  `PeerServer`): its own document per query name (bench/peer/queries.json), posted to its own
  URL with the same token. `PeerTarget.unsupported(query)` names the queries it cannot express;
  the harness reports those cells as n/a instead of measuring them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx
from neo4j import Query, RoutingControl

from bench.http_client import HttpFailure, JsonPoster, LeanClient
from bench.workload import principal_parameters

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

    import neo4j

    from bench.queries import BenchQuery, Request
    from graph_api.identity import Principal
    from graph_api.settings import Settings


class TargetError(RuntimeError):
    """A target failed to answer: an HTTP error, a GraphQL error, a driver error."""


class Target(Protocol):
    """One system under measurement."""

    name: str

    async def answer(self, query: BenchQuery, request: Request) -> Any:
        """The answer to one request (raises TargetError when there is none)."""
        ...

    async def close(self) -> None:
        """Release what the target holds (connections, servers)."""
        ...


@dataclass
class RawCypherTarget:
    """Hand-written Cypher (`bench/raw/*.cypher`) through the async driver, routed as reads."""

    driver: neo4j.AsyncDriver
    database: str
    principal: Principal
    name: str = "raw"
    timeout: float = 30.0
    _principal: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self._principal = principal_parameters(self.principal)

    def unsupported(self, query: BenchQuery) -> str | None:
        """None when a hand-written statement answers `query`, else why not (n/a)."""
        if query.national or not query.has_raw:
            return "no hand-written statement (national search)"
        return None

    async def answer(self, query: BenchQuery, request: Request) -> Any:
        # `today` per request, as the API computes it per request.
        parameters = {**self._principal, "today": dt.date.today(), **request.parameters}
        try:
            records, _, _ = await self.driver.execute_query(
                Query(query.raw_cypher, timeout=self.timeout),
                parameters,
                database_=self.database,
                routing_=RoutingControl.READ,
            )
        except Exception as error:
            raise TargetError(f"{type(error).__name__}: {str(error)[:300]}") from error
        return [record.data() for record in records]

    async def close(self) -> None:
        await self.driver.close()


async def post_graphql(
    http: JsonPoster, document: str, variables: dict[str, Any], token: str
) -> dict[str, Any]:
    """POST a GraphQL request and return its `data`; TargetError for anything else."""
    try:
        status, body = await http.post_json(
            "/graphql",
            {"query": document, "variables": variables},
            {"Authorization": f"Bearer {token}"},
        )
    except HttpFailure as error:
        raise TargetError(str(error)) from error
    if status != 200:
        raise TargetError(f"HTTP {status}: {str(body)[:300]}")
    if not isinstance(body, dict) or body.get("errors") or not isinstance(body.get("data"), dict):
        raise TargetError(f"GraphQL errors: {str(body)[:300]}")
    data: dict[str, Any] = body["data"]
    return data


@dataclass
class ApiTarget:
    """Our GraphQL API: POST /graphql with the principal's bearer token (the national
    searcher's for the national search rows)."""

    name: str
    http: JsonPoster
    token: str
    server: ApiServer | None = None
    national_token: str | None = None

    def unsupported(self, query: BenchQuery) -> str | None:
        if query.national and self.national_token is None:
            return "no national searcher's token"
        return None

    async def answer(self, query: BenchQuery, request: Request) -> Any:
        token = self.national_token if query.national and self.national_token else self.token
        data = await post_graphql(self.http, query.document, request.variables, token)
        return data[query.root_field]

    async def close(self) -> None:
        await self.http.aclose()
        if self.server is not None:
            self.server.stop()


_SERVE_MAIN = "from graph_api.cli import main; main()"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ChildServer:
    """A server the benchmark runs as a child process on a free loopback port.

    `environment` overrides the inherited environment; the child's output goes to `log_path`.
    """

    environment: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _launch(self, command: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter, CLI or script
                command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    async def _await_ready(
        self,
        name: str,
        ready: Callable[[httpx.AsyncClient], Awaitable[bool]],
        timeout: float,
        exit_hint: Callable[[int], str] | None = None,
    ) -> None:
        """Poll `ready` until it says yes; TargetError if the child exits or time runs out."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(base_url=self.base_url) as probe:
            while time.monotonic() < deadline:
                code = self.process.poll()
                if code is not None:
                    tail = self.log_path.read_text(errors="replace").strip()[-400:]
                    raise TargetError(
                        f"the {name} exited with {code}{exit_hint(code) if exit_hint else ''}; "
                        f"see {self.log_path}: {tail}"
                    )
                try:
                    if await ready(probe):
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        self.stop()
        raise TargetError(f"the {name} was not ready within {timeout:.0f}s; see {self.log_path}")

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL if it lingers)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class ApiServer(ChildServer):
    """`graph-api serve` in production mode (`environment`: the `bench` instance, audit on or
    off). Its access log goes to `log_path`: it costs what it costs in production but does not
    flood the terminal."""

    async def start(self, timeout: float = 120.0) -> None:
        """Start the server and wait until /readyz says the database answers (and, on a cold
        database, has planned the trusted documents' statements: up to a minute)."""
        script = Path(sys.executable).with_name("graph-api")  # the venv's console script
        command = [str(script)] if script.exists() else [sys.executable, "-c", _SERVE_MAIN]
        command += ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self._launch(command, {**os.environ, "GRAPH_API_DEV_MODE": "false", **self.environment})

        async def database_answers(probe: httpx.AsyncClient) -> bool:
            return (await probe.get("/readyz")).status_code == 200

        await self._await_ready("API server", database_answers, timeout)


def api_server(settings: Settings, output: str, **environment: str) -> ApiServer:
    """`graph-api serve` over the benchmark's instance (and `environment`), its log in
    `.local/bench-logs/<output>.log`."""
    own = {
        "GRAPH_API_LOCAL_INSTANCE": settings.graph_api_local_instance,
        "GRAPH_API_LOCAL_PORT": str(settings.local_port),
        **environment,
    }
    return ApiServer(own, settings.graph_api_state_dir / "bench-logs" / f"{output}.log")


@contextlib.asynccontextmanager
async def served(
    settings: Settings, output: str, token: str
) -> AsyncIterator[tuple[LeanClient, dict[str, str]]]:
    """`graph-api serve` (see `api_server`) while the block runs: one keep-alive client and
    the headers that carry `token`."""
    server = api_server(settings, output)
    await server.start()
    http = LeanClient(server.base_url, 1)
    try:
        yield http, {"Authorization": f"Bearer {token}"}
    finally:
        await http.aclose()
        server.stop()


def write_result(
    output: str,
    title: str,
    about: Sequence[str],
    first_column: str,
    columns: dict[str, str],
    rows: dict[str, dict[str, Any]],
    **meta: Any,
) -> dict[str, Any]:
    """`bench/results/<output>.json` and `.md`: the time, `meta`, the machine's load and one
    table row per entry of `rows` (its `columns`, key: heading)."""
    load = Path("/proc/loadavg").read_text().split()[:3]
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    result = {"when": when, **meta, "load_average": load, "rows": rows}
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"{output}.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"# {title}",
        "",
        f"- when: {when}",
        *(f"- {line}" for line in about),
        f"- machine load: load average {', '.join(load)} at the end",
        "",
        f"| {first_column} | {' | '.join(columns.values())} |",
        "| --- " * (len(columns) + 1) + "|",
        *(
            f"| {name} | {' | '.join(str(row[key]) for key in columns)} |"
            for name, row in rows.items()
        ),
    ]
    (results / f"{output}.md").write_text("\n".join(lines) + "\n")
    return result


def percentile(values: Sequence[float], q: float) -> float:
    """The `q` quantile of `values` (nearest rank), rounded to 0.1."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)


async def start_api_target(
    name: str, server: ApiServer, tokens: tuple[str, str], concurrency: int
) -> ApiTarget:
    """Start `server` and return a target posting to it over keep-alive connections, with the
    analyst's and the national searcher's tokens."""
    await server.start()
    return ApiTarget(name, LeanClient(server.base_url, concurrency), tokens[0], server, tokens[1])


# --- the peer: the Neo4j GraphQL Library (bench/peer/) ---------------------------------------

PEER_DIR = Path(__file__).resolve().parent / "peer"
#: Our query names -> the peer manifest's (bench/peer/queries.json) where they differ.
_PEER_NAMES = {"search_offenders": "search_name", "vehicles_plate": "vehicles_partial_vrm"}


@dataclass(frozen=True)
class PeerQuery:
    """One entry of bench/peer/queries.json: the peer's document for one logical question."""

    name: str
    expressible: str  # "yes", "yes, with ...", "approximate" or "no"
    document: str | None
    notes: str

    @property
    def reason(self) -> str:
        """Why the peer cannot answer (its notes' first sentence), for the table."""
        return self.notes.split(". ")[0].rstrip(".")


def peer_manifest() -> dict[str, PeerQuery]:
    """bench/peer/queries.json, keyed by *our* query names."""
    manifest = json.loads((PEER_DIR / "queries.json").read_text())
    ours = {peer: mine for mine, peer in _PEER_NAMES.items()}
    found: dict[str, PeerQuery] = {}
    for entry in manifest["queries"]:
        document = entry.get("document")
        found[ours.get(entry["name"], entry["name"])] = PeerQuery(
            name=entry["name"],
            expressible=entry["expressible"],
            document=(PEER_DIR / document).read_text() if document else None,
            notes=entry.get("notes", ""),
        )
    return found


def peer_variables(query: BenchQuery, request: Request) -> dict[str, Any]:
    """The peer's variables for one of our requests (the derivations of queries.json)."""
    given, derived = request.variables, request.parameters
    name = query.name
    if name.startswith("offender_depth"):
        return {"id": given["id"], "today": given["today"]}
    if name == "offenders_page":
        return {"agency": given["agency"], "riskLevels": given["riskLevels"], "first": 50}
    if name == "search_offenders":  # the Lucene query our API builds: lucene_name_query(name)
        return {"phrase": derived["lucene"], "first": 20}
    if name == "vehicles_plate":  # vrm_pattern_prefix / vrm_pattern_regex, as our planner
        return {"prefix": derived["prefix"], "regex": derived["regex"], "first": 20}
    if name == "network_depth2":
        return {"id": given["id"]}
    raise TargetError(f"the peer has no variables for {name}")


def flatten_network(offenders: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The peer's nested network tree as our `{nodes, edges}`: de-duplicated, edges by id.

    Edge direction follows the stored relationship (person -> address, vehicle, mark); the
    library walks ASSOCIATED_WITH undirected and does not say which way it was stored, so an
    association is given from the node nearer the root.
    """
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    stored_in = {"residentsConnection", "usersConnection", "bearersConnection"}
    types = {
        "addressesConnection": "RESIDES_AT",
        "residentsConnection": "RESIDES_AT",
        "associatesConnection": "ASSOCIATED_WITH",
        "vehiclesConnection": "USES",
        "usersConnection": "USES",
        "marksConnection": "HAS_MARK",
        "bearersConnection": "HAS_MARK",
    }

    def walk(node: dict[str, Any]) -> None:
        nodes.setdefault(node["id"], {"id": node["id"]})
        for key, link_type in types.items():
            for edge in (node.get(key) or {}).get("edges", []):
                far = edge["node"]
                ends = (far["id"], node["id"]) if key in stored_in else (node["id"], far["id"])
                edges.setdefault(
                    (ends[0], link_type, ends[1]),
                    {"source": ends[0], "type": link_type, "target": ends[1]},
                )
                walk(far)

    for root in offenders:
        walk(root)
    return {"nodes": list(nodes.values()), "edges": list(edges.values())}


@dataclass
class PeerTarget:
    """The Neo4j GraphQL Library peer: its own document per query, POST /graphql, our token."""

    http: JsonPoster
    token: str
    server: PeerServer | None = None
    name: str = "peer"
    manifest: dict[str, PeerQuery] = field(default_factory=peer_manifest)

    def unsupported(self, query: BenchQuery) -> str | None:
        """None when the peer can answer `query`, else why not (shown as n/a in the table)."""
        entry = self.manifest.get(query.name)
        if entry is None:
            return "not in bench/peer/queries.json"
        if entry.document is None:
            return f"not expressible: {entry.reason}"
        return None

    def caveat(self, query: BenchQuery) -> str | None:
        """A note for queries the peer answers only approximately or with client help."""
        entry = self.manifest.get(query.name)
        if entry is None or entry.expressible == "yes" or entry.document is None:
            return None
        return entry.expressible

    async def answer(self, query: BenchQuery, request: Request) -> Any:
        entry = self.manifest.get(query.name)
        if entry is None or entry.document is None:
            raise TargetError(f"the peer cannot express {query.name}")
        variables = peer_variables(query, request)
        data = await post_graphql(self.http, entry.document, variables, self.token)
        if query.name == "network_depth2":  # the client's share of the work: tree -> graph
            return flatten_network(data["offenders"])
        (root,) = data.values()
        return root

    async def close(self) -> None:
        await self.http.aclose()
        if self.server is not None:
            self.server.stop()


class PeerUnavailable(TargetError):
    """Node.js 20 or npm is missing: the peer cannot run on this machine."""


def ensure_peer_installed(timeout: float = 600.0) -> None:
    """`npm ci` in bench/peer unless its node_modules is there.

    Raises:
        PeerUnavailable: no node or npm on PATH, or a Node.js other than 20.
        TargetError: npm ci failed.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise PeerUnavailable("Node.js 20 and npm are needed for the peer (bench/peer/README.md)")
    version = subprocess.run(  # noqa: S603 - node from PATH, read-only
        [node, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not version.startswith("v20."):
        raise PeerUnavailable(f"the peer is pinned to Node.js 20 (package.json); found {version}")
    if (PEER_DIR / "node_modules" / "@neo4j" / "graphql" / "package.json").exists():
        return
    result = subprocess.run(  # noqa: S603 - npm from PATH, the lock file's exact pins
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=PEER_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:  # a broken install is a failure, not a reason to skip
        raise TargetError(f"npm ci failed in {PEER_DIR}: {result.stderr.strip()[-500:]}")


class PeerServer(ChildServer):
    """`node bench/peer/server.mjs`; `environment` carries NEO4J_* and GRAPH_API_JWT_SECRET (and
    PEER_SKIP_APOC_CHECK where the server has no APOC)."""

    async def start(self, timeout: float = 60.0) -> None:
        """Install if needed, start, and wait until the port answers HTTP."""
        ensure_peer_installed()
        node = shutil.which("node") or "node"
        env = {**os.environ, **self.environment, "PEER_PORT": str(self.port)}
        env.pop("PEER_DEBUG_CYPHER", None)  # logging every statement would distort the timings
        self._launch([node, str(PEER_DIR / "server.mjs")], env, cwd=PEER_DIR)

        async def serves(probe: httpx.AsyncClient) -> bool:
            await probe.post("/graphql", json={"query": "{ __typename }"})
            return True  # any answer (401 without a token) means it serves

        def no_apoc(code: int) -> str:
            return " (no APOC on the server: see install-apoc.sh)" if code == 3 else ""

        await self._await_ready("peer", serves, timeout, no_apoc)


async def start_peer_target(server: PeerServer, token: str, concurrency: int) -> PeerTarget:
    """Start `server` and return a target posting to it over keep-alive connections."""
    await server.start()
    return PeerTarget(LeanClient(server.base_url, concurrency), token, server)


def peer_environment(settings: Settings, *, skip_apoc_check: bool = False) -> dict[str, str]:
    """What server.mjs reads: the database the API reads, and the API's JWT secret."""
    from graph_api.db import connection_target
    from graph_api.identity import jwt_secret

    target = connection_target(settings)
    environment = {
        "NEO4J_URI": target.uri,
        "NEO4J_USER": target.user,
        "NEO4J_PASSWORD": target.password or "",
        "NEO4J_DATABASE": target.database,
        "GRAPH_API_JWT_SECRET": jwt_secret(settings),
    }
    if skip_apoc_check:
        environment["PEER_SKIP_APOC_CHECK"] = "1"
    return environment
