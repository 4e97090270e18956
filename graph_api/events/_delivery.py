"""Delivering change events to the subscriptions of one process: read what each may see, audit
it, hand it over, in order, resuming from a cursor (docs/design.md §4 rule 10, §11).

One `Dispatcher` per process serves every subscription. When the feed's head passes them, it
groups the subscriptions that would run the same statement (the same planned selection and
policy parameters, at the same position) and runs that statement once per group
(`planner.changes`: the events in the range that the principal may see now, as it selected
them). It then writes one audit record per subscriber and event that carries offender data,
all in one transaction, durable before anything is handed over, and queues each subscriber's
events. A thousand like subscribers cost one read and one audit transaction per batch of events.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import datetime as dt
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph_api import cypher_files, deadline
from graph_api.audit import Disclosure, audit_record
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

log = logging.getLogger("graph_api.events")

#: The most sequence numbers one delivery statement covers (a subscriber resuming from an old
#: cursor catches up in batches of this many).
BATCH = 500
#: How long a subscription waits for news before checking on its principal's token again.
IDLE_SECONDS = 30.0
#: Pause before trying again after the database failed a delivery.
RETRY_SECONDS = 1.0
#: Audit records written per statement.
AUDIT_CHUNK = 2_000

UNAVAILABLE = (
    "the database is unavailable: change events are not being delivered; the subscription "
    "stays open and resumes, from where it stopped, when the database is back"
)

#: What a subscription's queue holds: its events of one batch, or the news of an outage.
Batch = list[dict[str, Any]] | Unavailable


@dataclass(eq=False)
class Subscriber:
    """One subscription: who receives, what it planned, where it is in the sequence."""

    principal: Principal
    field: str
    operation: str | None
    document: str | None
    plan: Plan
    #: The last sequence number handed over (or passed as not for this subscriber); None
    #: until the subscription starts (then: the head, so from the events committed from now).
    position: int | None
    #: When the principal's token expires (epoch seconds): no delivery after it.
    expires_at: float | None = None
    queue: asyncio.Queue[Batch] = dataclasses.field(default_factory=asyncio.Queue)
    #: Told of the current outage already.
    warned: bool = False

    def __post_init__(self) -> None:
        #: Subscribers with the same key, at the same position, run the same statement.
        self.key = (
            self.plan.cypher
            + "\x00"
            + json.dumps(self.plan.parameters, sort_keys=True, default=str)
        )


class Dispatcher:
    """Hands the events of one process's feed to its subscriptions."""

    def __init__(self, feed: ChangeFeed, database: Database) -> None:
        self.feed = feed
        self.database = database
        self.subscribers: set[Subscriber] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        feed.listeners.append(self._wake.set)

    @contextlib.asynccontextmanager
    async def subscribed(self, subscriber: Subscriber) -> AsyncIterator[None]:
        """Deliver to `subscriber` while inside."""
        async with self.feed.following():
            if subscriber.position is None and self.feed.head is not None:
                subscriber.position = self.feed.head
            self.subscribers.add(subscriber)
            if self._task is None or self._task.done():
                self._task = asyncio.create_task(self._run(), name="change-dispatcher")
            self._wake.set()
            try:
                yield
            finally:
                self.subscribers.discard(subscriber)
                if not self.subscribers and self._task is not None:
                    self._task.cancel()
                    self._task = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self._round()
            except DatabaseUnavailable as error:
                log.warning("change delivery: the database is unavailable: %s", error)
                self._warn(list(self.subscribers))
                await asyncio.sleep(RETRY_SECONDS)
                continue
            except Exception:  # a bug must not stop every subscription of the process
                log.exception("change delivery failed; trying again")
                await asyncio.sleep(RETRY_SECONDS)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_SECONDS)

    def _warn(self, subscribers: list[Subscriber]) -> None:
        for subscriber in subscribers:
            if not subscriber.warned:
                subscriber.warned = True
                subscriber.queue.put_nowait(Unavailable(UNAVAILABLE))

    async def _round(self) -> None:
        """Deliver everything committed up to the head to everyone behind it."""
        if self.feed.outage is not None:
            self._warn(list(self.subscribers))
            return
        head = self.feed.head
        if head is None:
            head = await self.feed.read_head()
        for subscriber in self.subscribers:
            if subscriber.position is None:
                subscriber.position = head
        while True:
            groups: dict[tuple[str, int], list[Subscriber]] = {}
            for subscriber in self.subscribers:
                assert subscriber.position is not None
                if subscriber.position < head:
                    groups.setdefault((subscriber.key, subscriber.position), []).append(subscriber)
            if not groups:
                return
            await self._deliver(list(groups.values()), head)

    async def _deliver(self, groups: list[list[Subscriber]], head: int) -> None:
        ranges = [(group, _range(group[0], head)) for group in groups]
        with deadline.request_deadline(self.database.timeout):
            answers = await asyncio.gather(
                *(self._read(group[0].plan, after, up_to) for group, (after, up_to) in ranges)
            )
            records = [
                record
                for (group, _), rows in zip(ranges, answers, strict=True)
                for record in _audit_records(group, rows)
            ]
            for start in range(0, len(records), AUDIT_CHUNK):
                chunk = records[start : start + AUDIT_CHUNK]
                await self.database.write(cypher_files.query("audit_records"), {"records": chunk})
        for (group, (_, up_to)), rows in zip(ranges, answers, strict=True):
            for subscriber in group:
                subscriber.position = up_to
                subscriber.warned = False
                if rows:
                    subscriber.queue.put_nowait(rows)

    async def _read(self, plan: Plan, after: int, up_to: int) -> list[dict[str, Any]]:
        parameters = plan.parameters | {
            "after": after,
            "upTo": up_to,
            "today": dt.date.today(),  # the policy of the moment of delivery
        }
        return await self.database.read(plan.cypher, parameters)


def _range(subscriber: Subscriber, head: int) -> tuple[int, int]:
    assert subscriber.position is not None
    return subscriber.position, min(head, subscriber.position + BATCH)


def _audit_records(group: list[Subscriber], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One audit record per subscriber and event delivered, as for a read (docs/design.md §4
    rule 10): who received which offenders, under which subscription."""
    disclosures = []
    for row in rows:
        disclosure = Disclosure()
        disclosure.saw(group[0].field, row["result"])
        disclosures.append(disclosure)
    records = []
    for subscriber in group:
        for disclosure in disclosures:
            request_id = "evt-" + uuid.uuid4().hex
            records.append(
                audit_record(
                    subscriber.principal,
                    request_id,
                    subscriber.operation,
                    subscriber.document,
                    disclosure,
                )
            )
    return records


async def deliveries(
    subscriber: Subscriber, dispatcher: Dispatcher, settings: Settings
) -> AsyncIterator[dict[str, Any] | Unavailable]:
    """The events `subscriber` may see, in order, from its position on: each a planned
    `ChangeEvent` map, audited before it is yielded; an `Unavailable` once per outage."""
    async with dispatcher.subscribed(subscriber):
        while _token_valid(subscriber):
            try:
                batch = await asyncio.wait_for(subscriber.queue.get(), _idle(subscriber))
            except TimeoutError:
                continue
            if isinstance(batch, Unavailable):
                yield batch
                continue
            for row in batch:
                value = row["result"]
                if PHOTO_PATH_MARK in subscriber.plan.cypher:  # signed for this user only
                    value = copy.deepcopy(value)
                    sign_photo_paths(settings, subscriber.principal, value)
                yield value


def _token_valid(subscriber: Subscriber) -> bool:
    return subscriber.expires_at is None or subscriber.expires_at > time.time()


def _idle(subscriber: Subscriber) -> float:
    if subscriber.expires_at is None:
        return IDLE_SECONDS
    return max(0.0, min(IDLE_SECONDS, subscriber.expires_at - time.time()))
