"""A loopback TCP proxy in front of the test Neo4j that fails on command (fault tests).

It forwards Bolt between 127.0.0.1:<port> and the database, and can:

- `drop_commit_reply()`: let the next COMMIT through to the database, then drop its answer
  and hang up (the commit happened; the client cannot know);
- `hold_commit_reply()`: let the next COMMIT through, then hold its answer back for good
  while the connection stays open (the client waits until its own deadline);
- `drop_commit()`: hang up instead of forwarding the next COMMIT (nothing is committed);
- `stall()` / `resume()`: stop forwarding in both directions, as a database whose process is
  stopped (SIGSTOP): connections stay open and nothing answers;
- `refuse()` / `accept()`: hang up every connection and refuse new ones, as a database that
  is down.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import pytest

from graph_api.db import LocalServer

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    import httpx

    from graph_api.settings import Settings

#: A Bolt COMMIT message in one chunk: size 2, tiny struct of 0 fields, tag 0x12, end marker.
COMMIT = b"\x00\x02\xb0\x12\x00\x00"


class LoopbackProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._refusing = False
        self._commit_fault: str | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        #: COMMIT messages seen, and those whose answer was dropped or which were dropped.
        self.commits = 0
        self.faults = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._link, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        self._refuse_all()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    # --- faults ---------------------------------------------------------------------------

    def drop_commit_reply(self) -> None:
        self._commit_fault = "drop-reply"

    def hold_commit_reply(self) -> None:
        self._commit_fault = "hold-reply"

    def drop_commit(self) -> None:
        self._commit_fault = "drop-commit"

    def stall(self) -> None:
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def refuse(self) -> None:
        self._refusing = True
        self._refuse_all()

    def accept(self) -> None:
        self._refusing = False

    def _refuse_all(self) -> None:
        for client, upstream in list(self._links):
            client.close()
            upstream.close()
        self._links.clear()

    # --- forwarding -------------------------------------------------------------------------

    async def _link(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        if self._refusing:
            client.close()
            return
        try:
            upstream_reader, upstream = await asyncio.open_connection(
                "127.0.0.1", self.upstream_port
            )
        except OSError:
            client.close()
            return
        link = (client, upstream)
        self._links.add(link)
        #: Set when this link's next answer from the database must be dropped (or held).
        drop_answer = asyncio.Event()
        hold = False

        async def to_database() -> None:
            nonlocal hold
            while data := await client_reader.read(65536):
                await self._flowing.wait()
                if COMMIT in data and self._commit_fault is not None:
                    fault, self._commit_fault = self._commit_fault, None
                    self.commits += 1
                    self.faults += 1
                    if fault == "drop-commit":
                        break
                    hold = fault == "hold-reply"
                    drop_answer.set()
                elif COMMIT in data:
                    self.commits += 1
                upstream.write(data)
                await upstream.drain()

        async def to_client() -> None:
            while data := await upstream_reader.read(65536):
                await self._flowing.wait()
                if drop_answer.is_set():
                    if hold:
                        await asyncio.Event().wait()  # never answers, never hangs up
                    break
                client.write(data)
                await client.drain()

        tasks = [asyncio.create_task(to_database()), asyncio.create_task(to_client())]
        with contextlib.suppress(Exception):
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
        for writer in link:
            writer.close()
        self._links.discard(link)


@contextlib.asynccontextmanager
async def loopback_proxy(upstream_port: int) -> AsyncIterator[LoopbackProxy]:
    proxy = LoopbackProxy(upstream_port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()


def proxied_serve(
    settings: Settings, serve: Callable[..., Any]
) -> Callable[..., contextlib.AbstractAsyncContextManager[tuple[LoopbackProxy, httpx.AsyncClient]]]:
    """`async with proxied(**settings) as (proxy, http)`: an app of its own (the `serve`
    fixture) whose database is the local test instance behind a loopback proxy."""
    if not settings.uses_local_server:
        pytest.skip("the loopback proxy stands in front of the local test instance")
    password = settings.neo4j_password or LocalServer(settings).password()

    @contextlib.asynccontextmanager
    async def proxied(**overrides: Any) -> AsyncIterator[tuple[LoopbackProxy, httpx.AsyncClient]]:
        async with loopback_proxy(settings.local_port) as proxy:
            uri = f"bolt://127.0.0.1:{proxy.port}"
            async with serve(neo4j_uri=uri, neo4j_password=password, **overrides) as http:
                yield proxy, http

    return proxied
