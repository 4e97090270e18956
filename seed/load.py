"""Write the generated dataset into Neo4j in large batches, and clear it out again."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from seed.batches import NODE_LABELS, Batch, link_kind
from seed.fingerprint import ContentDigest
from seed.generate import generate

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

    from seed.presets import SeedPlan

# Nodes plus relationships per offender, measured on the demo preset; only drives progress.
ITEMS_PER_OFFENDER = 23.5

_IS_EMPTY = "RETURN NOT EXISTS { MATCH (n) WHERE NOT n:Migration } AS empty"
_CLEAR_RELATIONSHIPS = """
MATCH (a)-[r]->() WHERE NOT a:Migration
CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS
"""
_CLEAR_NODES = """
MATCH (n) WHERE NOT n:Migration
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS
"""
_DATASET = """
OPTIONAL MATCH (old:Dataset) DETACH DELETE old
CREATE (:Dataset {seed: $seed, scale: $scale, offenders: $offenders,
                  contentHash: $contentHash, loadedAt: datetime()})
"""


@dataclass(frozen=True)
class LoadReport:
    """What a load wrote and how long it took; ``content_hash`` as :func:`content_hash`."""

    nodes: int
    relationships: int
    seconds: float
    content_hash: str


@cache
def _statement(kind: str) -> str:
    """The one Cypher statement that writes a batch of ``kind``; kinds are a fixed set."""
    link = link_kind(kind)
    if link is None:
        return f"UNWIND $rows AS r CREATE (n:{':'.join(NODE_LABELS[kind])}) SET n = r"
    # Match each end on its most specific label, where its id is uniquely constrained.
    start, end = NODE_LABELS[link.start][-1], NODE_LABELS[link.end][-1]
    return (
        f"UNWIND $rows AS r MATCH (a:{start} {{id: r.a}}) MATCH (b:{end} {{id: r.b}}) "
        f"CREATE (a)-[x:{link.type}]->(b) SET x = r.p"
    )


def _session(driver: neo4j.Driver, database: str, *, read: bool = False) -> neo4j.Session:
    # Bookkeeping labels may not exist yet; the server's warning about that is noise here.
    return driver.session(
        database=database,
        default_access_mode="READ" if read else "WRITE",
        notifications_min_severity="OFF",
    )


def database_is_empty(driver: neo4j.Driver, database: str) -> bool:
    """Whether ``database`` holds no nodes besides the ``:Migration`` bookkeeping."""
    with _session(driver, database, read=True) as session:
        record = session.run(_IS_EMPTY).single(strict=True)
    return bool(record["empty"])


def clear(driver: neo4j.Driver, database: str) -> None:
    """Delete every node and relationship except ``:Migration`` nodes; the schema stays."""
    with _session(driver, database) as session:
        session.run(_CLEAR_RELATIONSHIPS).consume()
        session.run(_CLEAR_NODES).consume()


def _write(tx: neo4j.ManagedTransaction, batch: Batch) -> tuple[int, int]:
    counters = tx.run(_statement(batch.kind), rows=batch.rows).consume().counters
    return counters.nodes_created, counters.relationships_created


_Item = tuple[int, Batch] | BaseException | None


class _Pipeline:
    """Generate, write nodes and write relationships at the same time, in three threads.

    A chunk's relationships only point at nodes of that chunk or earlier ones, so while the
    relationships of chunk k are written (the slow part), the nodes of chunk k+1 already are.
    Relationship batches run strictly in order, one at a time, so they never contend for the
    same nodes' locks; node batches only create new nodes, which no other writer touches.
    """

    def __init__(self, driver: neo4j.Driver, database: str, plan: SeedPlan) -> None:
        self.driver, self.database, self.plan = driver, database, plan
        self.digest = ContentDigest()
        self.node_batches: queue.Queue[_Item] = queue.Queue(maxsize=8)
        self.link_batches: queue.Queue[_Item] = queue.Queue(maxsize=24)
        self.stopping = threading.Event()
        self.progress = threading.Condition()
        self.nodes_done_through = -1  # the last chunk whose nodes are all written
        self.nodes = self.relationships = 0
        self.failure: BaseException | None = None

    def _put(self, lane: queue.Queue[_Item], item: _Item) -> None:
        while not self.stopping.is_set():
            try:
                lane.put(item, timeout=0.2)
            except queue.Full:
                continue
            return

    def _fail(self, error: BaseException) -> None:
        with self.progress:
            self.failure = self.failure or error
            self.stopping.set()
            self.progress.notify_all()

    def generate(self) -> None:
        try:
            chunk, in_links = 0, False
            for batch in generate(self.plan):
                self.digest.add_batch(batch)
                is_link = link_kind(batch.kind) is not None
                if is_link and not in_links:
                    self._put(self.node_batches, None)  # marks the end of this chunk's nodes
                elif in_links and not is_link:
                    chunk += 1
                in_links = is_link
                self._put(self.link_batches if is_link else self.node_batches, (chunk, batch))
                if self.stopping.is_set():
                    return
            if not in_links:
                self._put(self.node_batches, None)
            self._put(self.link_batches, None)
        except BaseException as error:  # handed to the calling thread, which raises it
            self._fail(error)

    def _write(self, session: neo4j.Session, batch: Batch) -> None:
        created = session.execute_write(_write, batch)
        expected = (len(batch.rows), 0) if link_kind(batch.kind) is None else (0, len(batch.rows))
        if created != expected:
            raise RuntimeError(f"{batch.kind}: wrote {created}, expected {expected}")
        with self.progress:
            self.nodes += created[0]
            self.relationships += created[1]
            self.progress.notify_all()

    def _next(self, lane: queue.Queue[_Item]) -> _Item:
        while not self.stopping.is_set():
            try:
                return lane.get(timeout=0.2)
            except queue.Empty:
                continue
        return None

    def write_nodes(self) -> None:
        try:
            with self.driver.session(database=self.database) as session:
                chunk = 0
                while not self.stopping.is_set():
                    item = self._next(self.node_batches)
                    if item is None:
                        with self.progress:
                            self.nodes_done_through = chunk
                            self.progress.notify_all()
                        chunk += 1
                        continue
                    if isinstance(item, BaseException):  # pragma: no cover - never queued
                        raise item
                    chunk = item[0]
                    self._write(session, item[1])
        except BaseException as error:
            self._fail(error)

    def write_links(self, report: Callable[[int], None]) -> None:
        """Write relationship batches in order (in the calling thread), reporting progress."""
        with self.driver.session(database=self.database) as session:
            while True:
                item = self._next(self.link_batches)
                if item is None or isinstance(item, BaseException):
                    break
                chunk, batch = item
                with self.progress:
                    while self.nodes_done_through < chunk and not self.stopping.is_set():
                        self.progress.wait(timeout=0.5)
                        report(self.nodes + self.relationships)
                if self.stopping.is_set():
                    break
                self._write(session, batch)
                report(self.nodes + self.relationships)
        if self.failure is not None:
            raise self.failure


def load(
    driver: neo4j.Driver,
    database: str,
    plan: SeedPlan,
    progress: Callable[[int, int], None] | None = None,
) -> LoadReport:
    """Generate ``plan`` and write it into an empty ``database``, then record a ``:Dataset``.

    ``progress(done, total)`` is called after each batch with nodes plus relationships
    written so far and an estimate of the total.

    Raises:
        ValueError: when the database already holds data (see :func:`clear`).
        RuntimeError: when a batch did not write what it should (a generator bug).
    """
    if not database_is_empty(driver, database):
        raise ValueError(f"database {database!r} already holds data; clear it before seeding")
    started = time.perf_counter()
    estimate = round(plan.offenders * ITEMS_PER_OFFENDER)

    def report(done: int) -> None:
        if progress is not None:
            progress(done, max(estimate, done))

    pipeline = _Pipeline(driver, database, plan)
    workers = [
        threading.Thread(target=pipeline.generate, name="seed-generate", daemon=True),
        threading.Thread(target=pipeline.write_nodes, name="seed-write-nodes", daemon=True),
    ]
    for worker in workers:
        worker.start()
    try:
        pipeline.write_links(report)
    finally:
        pipeline.stopping.set()
        for worker in workers:
            worker.join(timeout=30)
    digest = pipeline.digest.hexdigest()
    parameters: dict[str, Any] = {
        "seed": plan.seed,
        "scale": plan.scale,
        "offenders": plan.offenders,
        "contentHash": digest,
    }
    driver.execute_query(_DATASET, parameters, database_=database)
    done = pipeline.nodes + pipeline.relationships
    if progress is not None:
        progress(done, done)
    return LoadReport(pipeline.nodes, pipeline.relationships, time.perf_counter() - started, digest)
