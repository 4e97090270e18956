"""The change feed of one API process: it tails the outbox (the `ChangeEvent`s in Neo4j) by
their sequence number and wakes the subscriptions when new ones are committed.

Every replica tails the same database, so an event written through any replica reaches the
subscribers of all of them; a write made through this process wakes the feed at once (`poke`),
one made elsewhere within `GRAPH_API_EVENT_POLL_SECONDS`. Events are written without a number
(so concurrent writes never wait for each other's commit); the first process that sees one
numbers it (`sequence_events.cypher`). The feed only learns how far the numbers reach: each
subscription reads the events themselves, with its own policy check.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from typing import TYPE_CHECKING

from graph_api import cypher_files, deadline
from graph_api.db import DatabaseUnavailable

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from graph_api.db import Database

log = logging.getLogger("graph_api.events")

#: The longest pause between two attempts to read the feed while the database is down.
MAX_BACKOFF_SECONDS = 2.0


class ChangeFeed:
    """How far the change events have reached (`head`), and whether the database answers."""

    def __init__(self, database: Database, poll_seconds: float) -> None:
        self.database = database
        self.poll_seconds = poll_seconds
        #: The last sequence number committed, as last read; None before the first read.
        self.head: int | None = None
        #: Why the feed cannot be read now (the database is unavailable), or None.
        self.outage: DatabaseUnavailable | None = None
        self._task: asyncio.Task[None] | None = None
        self._users = 0
        self._numbering: asyncio.Task[None] | None = None
        self._again = False
        #: Called whenever the head or the database's state changes.
        self.listeners: list[Callable[[], None]] = []

    def poke(self) -> None:
        """A change was committed through this process: number it (in the background, after
        the write has answered) and wake this process's subscribers."""
        if self._numbering is None or self._numbering.done():
            # A context of its own: not the request's deadline, ids or round-trip counter.
            self._numbering = asyncio.create_task(
                self._number(), name="change-numbering", context=contextvars.Context()
            )
        else:
            self._again = True  # committed while numbering: one more round

    async def _number(self) -> None:
        while True:
            self._again = False
            try:
                head = await self.read_head()
            except DatabaseUnavailable:  # the tail, or the next write, numbers it
                return
            self._publish(head, None)
            if not self._again:
                return

    @contextlib.asynccontextmanager
    async def following(self) -> AsyncIterator[ChangeFeed]:
        """Use the feed; it is tailed while at least one subscription follows it."""
        self._users += 1
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._tail(), name="change-feed")
        try:
            yield self
        finally:
            self._users -= 1
            if self._users == 0 and self._task is not None:
                self._task.cancel()
                self._task = None

    async def close(self) -> None:
        if self._numbering is not None:
            with contextlib.suppress(Exception):
                await self._numbering
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def read_head(self) -> int:
        """The head, read from the database now, once every event committed so far has its
        number (DatabaseUnavailable while the database is down)."""
        with deadline.request_deadline(self.database.timeout):
            [record] = await self.database.read(cypher_files.query("change_head"))
            if record["pending"]:
                [record] = await self.database.write(cypher_files.query("sequence_events"))
        return int(record["last"])

    async def _tail(self) -> None:
        pause = self.poll_seconds
        while True:
            try:
                head = await self.read_head()
            except DatabaseUnavailable as error:
                if self.outage is None:
                    log.warning("change feed: the database is unavailable: %s", error)
                self._publish(self.head, error)
                pause = min(max(pause * 2, self.poll_seconds), MAX_BACKOFF_SECONDS)
            else:
                if self.outage is not None:
                    log.info("change feed: the database answers again")
                self._publish(head, None)
                pause = self.poll_seconds
            await asyncio.sleep(pause)

    def _publish(self, head: int | None, outage: DatabaseUnavailable | None) -> None:
        if head == self.head and (outage is None) == (self.outage is None):
            return
        self.head, self.outage = head, outage
        for listener in self.listeners:
            listener()
