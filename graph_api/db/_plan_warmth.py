"""The first run of each statement shape goes alone, while the others of that shape wait; and
after the database was lost, the most used shapes are planned again before it counts as ready.

A freshly started Neo4j plans each statement text once, and planning a deep read took up to 7
seconds there (issue 12): 32 concurrent copies of one unplanned statement all planned it, all
hit the statement timeout, twice, and the plan cache never warmed while under load. Here the
first request with a statement text the database has not answered since we last reached it
runs it alone (single flight); the rest wait for it (within their own deadline) and then run
on the cached plan. Losing the database forgets what was planned: a restart empties its cache.

A first run cut short by its request's deadline plans nothing, so where planning takes longer
than the deadline (a restarted JVM on a busy machine: the planner itself is not compiled yet)
single flight alone never recovers. So each statement text sent is remembered with the
parameters of its last run (`remember`; the most recent `REMEMBERED_SHAPES` texts), and once
the database answers again after a loss, or when a first run timed out, `Database.rehearse`
runs the `WARM_STATEMENTS` most used ones not planned yet, one at a time and bound by no
request's deadline, each in a transaction that is rolled back (so it changes nothing and
discloses nothing), which plans and caches them. The rehearsal is the first run of its shape
for single flight: requests of that shape wait for it. `/readyz` says not ready until the
rehearsal is over.

While cold, first runs take turns, one at a time: statements that write first (the audit
record's among them, which every read waits for), then the most used. A restarted JVM plans
slowly (1-4 s a statement on the national dataset, against 0.1-0.4 s warm), and seven shapes
planned side by side on two cores all finished late together, where planned in turn the first
of them serves after its own few seconds. Warm, first runs of different shapes go side by side.
The rehearsal plans in the same order.

An app's statements can be known before any request sends them: the trusted documents'
(`graph_api/trusted_documents.py`) are declared at start (`declare`) as shapes not sent yet, and
rehearsed then, after any that requests have sent. After a loss only what requests have sent is
rehearsed.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from graph_api import deadline

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

T = TypeVar("T")

#: Statement texts remembered as planned; past it the memory starts again (a few re-plans).
REMEMBERED = 4_096
#: Statement texts remembered with their last parameters, to rehearse after a loss.
REMEMBERED_SHAPES = 256
#: How many of them (the most used first) are rehearsed after a loss.
WARM_STATEMENTS = 48
#: While cold, how many first runs go at once (two on two cores: first success 6.5 and 11.0 s
#: after a restart under 32 clients, against 4.0-8.0 s with one; the cold planner competes with
#: itself).
TURNS = 1


@dataclass
class Shape:
    """A statement text as last run: its parameters (for their types), whether it writes, and
    how often it ran since it was first remembered."""

    cypher: str
    parameters: dict[str, Any]
    writes: bool
    uses: int = 0


class PlanWarmth:
    """Which statement texts the database has planned, the first runs under way, and the shapes
    to plan again after the database was lost."""

    def __init__(self) -> None:
        self._planned: set[int] = set()
        self._first_runs: dict[int, asyncio.Future[None]] = {}
        self._shapes: OrderedDict[int, Shape] = OrderedDict()
        #: The database was lost since the shapes were last rehearsed.
        self.cold = False
        #: Counts the losses, so a rehearsal knows whether one happened while it ran.
        self.losses = 0
        #: While cold: how many first runs have a turn, and those waiting for one (see
        #: `_precedence`, then in order of arrival).
        self._turns_taken = 0
        self._turn_queue: list[tuple[int, int, int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    async def run(self, cypher: str, work: Callable[[], Awaitable[T]]) -> T:
        """`work()`, alone if `cypher` has not been answered yet, after its first run if one
        is under way (waiting at most until the request's deadline)."""
        key = hash(cypher)
        while key not in self._planned:
            first = self._first_runs.get(key)
            if first is None:  # this request plans it; the others of its shape wait
                first = self._first_runs[key] = asyncio.get_running_loop().create_future()
                try:
                    async with self._turn(key):
                        value = await work()
                finally:
                    del self._first_runs[key]
                    first.set_result(None)
                self.planned(cypher)
                return value
            async with deadline.bounded():
                await asyncio.shield(first)
        return await work()

    @contextlib.asynccontextmanager
    async def _turn(self, key: int) -> AsyncIterator[None]:
        """While cold, `TURNS` first runs at a time, in `_precedence` order (waiting at most
        until the request's deadline); warm, no waiting."""
        if not self.cold:
            yield
            return
        if self._turns_taken >= TURNS:
            mine = asyncio.get_running_loop().create_future()
            shape = self._shapes.get(key)
            entry = (*_precedence(shape), next(self._arrivals), mine)
            heapq.heappush(self._turn_queue, entry)
            try:
                async with deadline.bounded():
                    await mine
            except BaseException:
                if mine.done() and not mine.cancelled():  # handed the turn as it gave up
                    self._pass_turn()
                else:
                    mine.cancel()
                raise
        else:
            self._turns_taken += 1
        try:
            yield
        finally:
            self._pass_turn()

    def _pass_turn(self) -> None:
        """A first run holding a turn is over: the first waiting one in precedence has it."""
        while self._turn_queue:
            waiting = heapq.heappop(self._turn_queue)[-1]
            if not waiting.done():
                waiting.set_result(None)
                return
        self._turns_taken -= 1

    def is_planned(self, cypher: str) -> bool:
        return hash(cypher) in self._planned

    def planned(self, cypher: str) -> None:
        """`cypher` was answered: the database has its plan."""
        if len(self._planned) >= REMEMBERED:
            self._planned.clear()
        self._planned.add(hash(cypher))

    def remember(self, cypher: str, parameters: Mapping[str, Any], writes: bool) -> None:
        """`cypher` is sent with `parameters`: keep them as its shape to rehearse."""
        key = hash(cypher)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = Shape(cypher, dict(parameters), writes)
            if len(self._shapes) > REMEMBERED_SHAPES:
                self._shapes.popitem(last=False)
        else:
            self._shapes.move_to_end(key)
            shape.parameters = dict(parameters)
            shape.writes = shape.writes or writes
        shape.uses += 1

    def declare(self, cypher: str, parameters: Mapping[str, Any], writes: bool) -> None:
        """`cypher` will be sent with parameters like `parameters` (a trusted document's
        statement, `graph_api/trusted_documents.py`): keep it as a shape to rehearse, though it
        has not run yet."""
        key = hash(cypher)
        if key not in self._shapes:
            self._shapes[key] = Shape(cypher, dict(parameters), writes)
            if len(self._shapes) > REMEMBERED_SHAPES:
                self._shapes.popitem(last=False)

    def most_used(self, count: int = WARM_STATEMENTS) -> list[Shape]:
        """The `count` shapes to rehearse, in `_precedence` order: at start the declared ones
        too; after a loss only those requests sent (a declared one planned on a cold JVM takes
        CPU from live requests for a statement nobody has asked for yet)."""
        shapes = [shape for shape in self._shapes.values() if shape.uses or not self.losses]
        return sorted(shapes, key=_precedence)[:count]

    def forget(self) -> None:
        """The database was lost (it may have restarted): nothing counts as planned, and the
        remembered shapes are to be rehearsed once it answers."""
        self._planned.clear()
        self.losses += 1
        self.cold = bool(self._shapes)

    def warmed(self, losses: int) -> None:
        """A rehearsal begun after loss number `losses` is over: warm unless lost again."""
        if losses == self.losses:
            self.cold = False


def _precedence(shape: Shape | None) -> tuple[int, int, int]:
    """Which first run goes before which while cold (smaller first): statements requests have
    sent before those only declared (`declare`), and among them those that write (an audit
    record's: every request waits for one), then the most used."""
    if shape is None:
        return (0, 1, 0)
    return (0 if shape.uses else 1, 0 if shape.writes else 1, -shape.uses)
