"""What the benchmark measures: targets that answer a `Request` of a `BenchQuery`.

A target is anything with a `name`, an async `answer(query, request)` returning the answer
(`BenchQuery.answer_ids` reduces it) or raising `TargetError`, and an async `close()`:

- `RawCypherTarget`: the hand-written statement through the official async driver;
- `ApiTarget`: our GraphQL document over HTTP (a uvicorn server started by `ApiServer`, or an
  in-process ASGI client in the tests).

A peer target (the Neo4j GraphQL Library, bench/peer/) plugs in the same way: its own document
per query name, posted to its own URL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx
from neo4j import Query, RoutingControl

from bench.workload import principal_parameters

if TYPE_CHECKING:
    import neo4j

    from bench.queries import BenchQuery, Request
    from graph_api.identity import Principal


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


@dataclass
class ApiTarget:
    """Our GraphQL API: POST /graphql with the principal's bearer token."""

    name: str
    http: httpx.AsyncClient
    token: str
    server: ApiServer | None = None

    async def answer(self, query: BenchQuery, request: Request) -> Any:
        try:
            response = await self.http.post(
                "/graphql",
                json={"query": query.document, "variables": request.variables},
                headers={"Authorization": f"Bearer {self.token}"},
            )
        except httpx.HTTPError as error:
            raise TargetError(f"{type(error).__name__}: {error}") from error
        if response.status_code != 200:
            raise TargetError(f"HTTP {response.status_code}: {response.text[:300]}")
        body = response.json()
        if body.get("errors"):
            raise TargetError(f"GraphQL errors: {str(body['errors'])[:300]}")
        return body["data"][query.root_field]

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
class ApiServer:
    """`graph-api serve` as a child process on a free loopback port, in production mode.

    `environment` overrides the inherited environment (the `bench` instance, audit on or off).
    Its output goes to `log_path`, so uvicorn's access log costs what it costs in production
    but does not flood the terminal.
    """

    environment: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, timeout: float = 60.0) -> None:
        """Start the server and wait until /readyz says the database answers."""
        script = Path(sys.executable).with_name("graph-api")  # the venv's console script
        command = [str(script)] if script.exists() else [sys.executable, "-c", _SERVE_MAIN]
        command += ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
        env = {**os.environ, "GRAPH_API_DEV_MODE": "false", **self.environment}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
                command, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(base_url=self.base_url) as probe:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise TargetError(
                        f"the API server exited with {self.process.returncode}; see {self.log_path}"
                    )
                try:
                    if (await probe.get("/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        self.stop()
        raise TargetError(
            f"the API server was not ready within {timeout:.0f}s; see {self.log_path}"
        )

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


async def start_api_target(name: str, server: ApiServer, token: str, concurrency: int) -> ApiTarget:
    """Start `server` and return a target posting to it over keep-alive connections."""
    await server.start()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    http = httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=60.0)
    return ApiTarget(name, http, token, server)
