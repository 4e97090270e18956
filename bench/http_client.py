"""The load generator's HTTP: a lean HTTP/1.1 client, and httpx for in-process apps.

The client, the API, the peer and Neo4j share two cores, so what the client spends is taken
from the servers under test. httpx cost about 2.2 ms of CPU per request there (45% of a core at
200 req/s, as much as Neo4j); `LeanClient` writes each request in one call over keep-alive
connections and reads the answer by its Content-Length (or chunks), for a fraction of that.
It speaks exactly what the targets answer: HTTP/1.1 JSON over plain TCP.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import httpx


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class HttpFailure(Exception):
    """The request could not be sent or its answer could not be read."""


class JsonPoster(Protocol):
    """Posts a JSON body and returns the status and the decoded JSON answer (or its text)."""

    async def post_json(self, path: str, payload: Any, headers: dict[str, str]) -> tuple[int, Any]:
        """Raises HttpFailure when no HTTP answer arrives."""
        ...

    async def aclose(self) -> None: ...


class LeanClient:
    """Up to `connections` keep-alive HTTP/1.1 connections to one server."""

    def __init__(self, base_url: str, connections: int, timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"LeanClient speaks plain http only, not {base_url!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.timeout = timeout
        self._idle: list[Connection] = []
        self._slots = asyncio.Semaphore(connections)
        self._host_header = f"{self.host}:{self.port}"

    async def post_json(self, path: str, payload: Any, headers: dict[str, str]) -> tuple[int, Any]:
        body = json.dumps(payload, separators=(",", ":")).encode()
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {self._host_header}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n{head}\r\n"
        ).encode() + body
        async with self._slots:
            try:
                status, answer, connection, keep = await asyncio.wait_for(
                    self._send(request), self.timeout
                )
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as e:
                raise HttpFailure(f"{type(e).__name__}: {e}") from e
            if keep:
                self._idle.append(connection)
            else:
                connection[1].close()
        try:
            return status, json.loads(answer)
        except ValueError:
            return status, answer.decode(errors="replace")

    async def _send(self, request: bytes) -> tuple[int, bytes, Connection, bool]:
        """Send on an idle connection, or a new one. Servers close idle keep-alive connections
        (uvicorn and Node after 5 s, while other targets take their turn): a reused connection
        found closed before any answer arrived is dropped and the request sent on a new one, as
        HTTP clients do."""
        while self._idle:
            connection = self._idle.pop()
            if connection[0].at_eof():
                connection[1].close()
                continue
            try:
                status, answer, keep = await self._exchange(connection, request)
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                connection[1].close()
                if isinstance(error, asyncio.IncompleteReadError) and error.partial:
                    raise  # the server answered in part: not a stale connection
                continue
            except BaseException:
                connection[1].close()
                raise
            return status, answer, connection, keep
        connection = await asyncio.open_connection(self.host, self.port)
        try:
            status, answer, keep = await self._exchange(connection, request)
        except BaseException:
            connection[1].close()
            raise
        return status, answer, connection, keep

    @staticmethod
    async def _exchange(connection: Connection, request: bytes) -> tuple[int, bytes, bool]:
        reader, writer = connection
        writer.write(request)
        status_line = await reader.readuntil(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length, chunked, keep = None, False, True
        while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value
            elif name == b"connection":
                keep = value != b"close"
        if chunked:
            parts = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
            return status, b"".join(parts), keep
        if length is None:  # the body runs to the end of the connection
            return status, await reader.read(), False
        return status, await reader.readexactly(length), keep

    async def aclose(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


class HttpxPoster:
    """An httpx client as a `JsonPoster` (the tests' in-process ASGI apps)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post_json(self, path: str, payload: Any, headers: dict[str, str]) -> tuple[int, Any]:
        import httpx

        try:
            response = await self.client.post(path, json=payload, headers=headers)
        except httpx.HTTPError as error:
            raise HttpFailure(f"{type(error).__name__}: {error}") from error
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text

    async def aclose(self) -> None:
        await self.client.aclose()
