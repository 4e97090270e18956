"""The load generator's lean HTTP client against a server that closes idle connections."""

from __future__ import annotations

import asyncio
import json

import pytest

from bench.http_client import HttpFailure, LeanClient


async def _one_answer_per_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Answer one request, then close the connection as a keep-alive timeout would (no
    `Connection: close` header). Odd requests get a chunked answer."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    payload = json.loads(await reader.readexactly(length))
    answer = json.dumps({"echo": payload}).encode()
    if payload["n"] % 2:
        half = len(answer) // 2
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + f"{half:x}\r\n".encode() + answer[:half] + b"\r\n"
            + f"{len(answer) - half:x}\r\n".encode() + answer[half:] + b"\r\n0\r\n\r\n"
        )  # fmt: skip
    else:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(answer) + answer)
    await writer.drain()
    writer.close()


async def test_stale_keep_alive_connections_are_replaced() -> None:
    server = await asyncio.start_server(_one_answer_per_connection, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = LeanClient(f"http://127.0.0.1:{port}", connections=2)
    try:
        for n in range(4):
            status, body = await client.post_json("/graphql", {"n": n}, {"X-Test": "1"})
            assert (status, body) == (200, {"echo": {"n": n}})
            await asyncio.sleep(0.05)  # let the server's close arrive, as between rounds
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()


async def test_no_server_is_an_http_failure() -> None:
    server = await asyncio.start_server(_one_answer_per_connection, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    client = LeanClient(f"http://127.0.0.1:{port}", connections=1, timeout=5)
    with pytest.raises(HttpFailure):
        await client.post_json("/graphql", {"n": 0}, {})
