"""Delivering change events to one subscription: read what the subscriber may see, audit it,
hand it over, in order, resuming from a cursor (docs/design.md §4 rule 10, §11).

Each subscription keeps its position in the sequence. When the feed's head passes it, the
subscription runs its planned statement (`planner.changes`) for the events in between; identical
statements of subscribers that share a policy and a selection (the same agency, clearance and
document, at the same position) run once (`SharedReads`), so a thousand subscribers of one kind
cost one read per batch of events. Every event that carries offender data is in a durable audit
record of the subscriber before it is handed over, as for a read.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph_api import deadline
from graph_api.audit import Disclosure, write_audit_record
from graph_api.db import DatabaseUnavailable
from graph_api.errors import Unavailable
from graph_api.photo_urls import sign_photo_paths
from graph_api.planner.projection import PHOTO_PATH_MARK

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from graph_api.db import Database
    from graph_api.events._feed import ChangeFeed
    from graph_api.identity import Principal
    from graph_api.planner.roots import Plan
    from graph_api.settings import Settings

#: The most sequence numbers one delivery statement covers (a subscriber resuming from an old
#: cursor catches up in batches of this many).
BATCH = 500
#: How long a subscription waits for news before checking on its principal's token again.
IDLE_SECONDS = 30.0
#: Pause before reading again after the database failed a delivery's read.
RETRY_SECONDS = 1.0

UNAVAILABLE = (
    "the database is unavailable: change events are not being delivered; the subscription "
    "stays open and resumes, from where it stopped, when the database is back"
)


#: How long the records of a delivery statement serve other subscribers asking the same (the
#: same statement, policy parameters and range of events). The events of a range are fixed once
#: numbered, so this is only how far "the moment of delivery" may lie before the handing over.
REUSE_SECONDS = 0.5


class SharedReads:
    """Runs each distinct (statement, parameters) once, sharing its records with every caller
    that asks for the same while it runs or within `REUSE_SECONDS` after."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._running: dict[str, asyncio.Task[list[dict[str, Any]]]] = {}

    async def read(self, cypher: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        key = cypher + "\x00" + json.dumps(parameters, sort_keys=True, default=str)
        task = self._running.get(key)
        if task is None:
            task = asyncio.create_task(self._read(cypher, parameters))
            self._running[key] = task
            task.add_done_callback(lambda _: self._forget_later(key))
        return await asyncio.shield(task)

    def _forget_later(self, key: str) -> None:
        task = self._running.get(key)
        if task is not None and (task.cancelled() or task.exception() is not None):
            del self._running[key]  # a failure is not shared with later callers
            return
        asyncio.get_running_loop().call_later(REUSE_SECONDS, self._running.pop, key, None)

    async def _read(self, cypher: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        with deadline.request_deadline(self.database.timeout):
            return await self.database.read(cypher, parameters)


@dataclass
class Subscriber:
    """One subscription: who receives, what it planned, where it is in the sequence."""

    principal: Principal
    field: str
    operation: str | None
    document: str | None
    plan: Plan
    #: The last sequence number handed over (or skipped as not for this subscriber).
    position: int | None
    #: When the principal's token expires (epoch seconds): no delivery after it.
    expires_at: float | None = None


async def deliveries(
    subscriber: Subscriber,
    feed: ChangeFeed,
    reads: SharedReads,
    settings: Settings,
) -> AsyncIterator[dict[str, Any] | Unavailable]:
    """The events `subscriber` may see, in order, from its position on: each a planned
    `ChangeEvent` map, audited before it is yielded; an `Unavailable` once per outage."""
    async with feed.following():
        while subscriber.position is None:  # no cursor: from the events committed from now on
            try:
                subscriber.position = await feed.read_head()
            except DatabaseUnavailable:
                yield Unavailable(UNAVAILABLE)
                await asyncio.sleep(RETRY_SECONDS)
        warned = False
        while _token_valid(subscriber):
            await feed.wait_beyond(subscriber.position, _idle(subscriber))
            if feed.outage is not None:
                if not warned:
                    warned = True
                    yield Unavailable(UNAVAILABLE)
                await feed.wait_recovered(_idle(subscriber))
                continue
            head = feed.head
            if head is None or head <= subscriber.position:
                continue
            up_to = min(head, subscriber.position + BATCH)
            try:
                rows = await _read(subscriber, reads, up_to)
                await _audit(subscriber, reads.database, rows)
            except DatabaseUnavailable:
                if not warned:
                    warned = True
                    yield Unavailable(UNAVAILABLE)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            warned = False
            for row in rows:
                value = row["result"]
                if PHOTO_PATH_MARK in subscriber.plan.cypher:  # signed for this user only
                    value = copy.deepcopy(value)
                    sign_photo_paths(settings, subscriber.principal, value)
                subscriber.position = row["seq"]
                yield value
            subscriber.position = up_to


def _token_valid(subscriber: Subscriber) -> bool:
    return subscriber.expires_at is None or subscriber.expires_at > time.time()


def _idle(subscriber: Subscriber) -> float:
    if subscriber.expires_at is None:
        return IDLE_SECONDS
    return max(0.0, min(IDLE_SECONDS, subscriber.expires_at - time.time()))


async def _read(subscriber: Subscriber, reads: SharedReads, up_to: int) -> list[dict[str, Any]]:
    plan = subscriber.plan
    parameters = plan.parameters | {
        "after": subscriber.position,
        "upTo": up_to,
        "today": dt.date.today(),  # the policy of the moment of delivery
    }
    return await reads.read(plan.cypher, parameters)


async def _audit(subscriber: Subscriber, database: Database, rows: list[dict[str, Any]]) -> None:
    """One durable audit record per event delivered, as for a read (docs/design.md §4 rule
    10): written together (group commit) before any of them is handed over."""
    records = []
    for row in rows:
        disclosure = Disclosure()
        disclosure.saw(subscriber.field, row["result"])
        records.append(
            write_audit_record(
                database,
                subscriber.principal,
                "evt-" + uuid.uuid4().hex,
                subscriber.operation,
                subscriber.document,
                disclosure,
            )
        )
    if records:
        with deadline.request_deadline(database.timeout):
            await asyncio.gather(*records)
