"""Slow and vanishing clients (issue 12, item 5; graph_api/client_guard.py), against a real
uvicorn server on 127.0.0.1 with the protocol `graph-api serve` uses: slow headers and slow
bodies are cut off with 408, connections per address are limited, and a client that hangs up
is an INFO line, never a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

import uvicorn

from graph_api.app import create_app
from graph_api.client_guard import GuardedHttpProtocol
from graph_api.domain import Classification, Role
from graph_api.identity import mint_token
from graph_api.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import pytest

#: In the range kept for this worktree's API servers.
PORT = 8161

HEAD = (
    "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    "Authorization: Bearer {token}\r\nContent-Length: {length}\r\n\r\n"
)


def head(settings: Settings, length: int) -> bytes:
    """A request head with a valid token: a body is read only from someone identified."""
    token = mint_token(
        settings, user="slow", agency="MET", roles=[Role.ANALYST],
        clearance=Classification.OFFICIAL, purpose="test",
    )  # fmt: skip
    return HEAD.format(token=token, length=length).encode()


@contextlib.asynccontextmanager
async def served(settings: Settings, **overrides: Any) -> AsyncIterator[None]:
    own = Settings(graph_api_jwt_secret=settings.graph_api_jwt_secret, **overrides)
    config = uvicorn.Config(
        create_app(own),
        host="127.0.0.1",
        port=PORT,
        http=GuardedHttpProtocol.with_settings(own),
        lifespan="off",
        log_config=None,
        access_log=False,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "the server did not start"
            await asyncio.sleep(0.02)
        yield
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def answer(reader: asyncio.StreamReader, within: float) -> bytes:
    """Everything the server sends until it closes the connection."""
    return await asyncio.wait_for(reader.read(), within)


async def test_slow_headers_are_cut_off_with_408(settings: Settings) -> None:
    async with served(settings, graph_api_header_read_seconds=0.5):
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        writer.write(b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and no more
        got = await answer(reader, 3)
        writer.close()
    assert got.startswith(b"HTTP/1.1 408 ")
    assert b"headers did not arrive within 0.5 s" in got


async def test_many_slow_bodies_are_cut_off_with_408_and_released(settings: Settings) -> None:
    async with served(settings, graph_api_body_read_seconds=0.5):
        opened = [await asyncio.open_connection("127.0.0.1", PORT) for _ in range(20)]
        for _, writer in opened:
            writer.write(head(settings, 1000) + b'{"query": "')
        loop = asyncio.get_running_loop()
        started = loop.time()
        answers = await asyncio.gather(*(answer(reader, 5) for reader, _ in opened))
        waited = loop.time() - started
        for _, writer in opened:
            writer.close()
    for got in answers:
        assert got.startswith(b"HTTP/1.1 408 "), got
        assert b"body did not arrive within 0.5 s" in got
    assert waited < 3


async def test_connections_per_address_are_limited(settings: Settings) -> None:
    async with served(settings, graph_api_max_connections_per_client=3):
        held = [await asyncio.open_connection("127.0.0.1", PORT) for _ in range(3)]
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        got = await answer(reader, 3)
        writer.close()
        for _, other in held:
            other.close()
        await asyncio.sleep(0.1)
        # Closed connections no longer count.
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        healthy = await answer(reader, 3)
        writer.close()
    assert got.startswith(b"HTTP/1.1 503 ")
    assert b"more than 3 connections from one address" in got
    assert healthy.startswith(b"HTTP/1.1 200 ")


async def test_a_client_that_hangs_up_is_an_info_line(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with served(settings):
        _reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        writer.write(head(settings, 1000) + b'{"query": "')
        await writer.drain()
        await asyncio.sleep(0.2)
        writer.close()
        await asyncio.sleep(0.3)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert any("hung up" in record.getMessage() for record in caplog.records)
