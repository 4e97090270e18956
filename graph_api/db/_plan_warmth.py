"""The first run of each statement shape goes alone, while the others of that shape wait.

A freshly started Neo4j plans each statement text once, and planning a deep read took up to 7
seconds there (issue 12): 32 concurrent copies of one unplanned statement all planned it, all
hit the statement timeout, twice, and the plan cache never warmed while under load. Here the
first request with a statement text the database has not answered since we last reached it
runs it alone (single flight); the rest wait for it (within their own deadline) and then run
on the cached plan. Losing the database forgets what was planned: a restart empties its cache.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, TypeVar

from graph_api import deadline

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

T = TypeVar("T")

#: Statement texts remembered as planned; past it the memory starts again (a few re-plans).
REMEMBERED = 4_096


class PlanWarmth:
    """Which statement texts the database has planned, and the first runs under way."""

    def __init__(self) -> None:
        self._planned: set[int] = set()
        self._first_runs: dict[int, asyncio.Future[None]] = {}

    async def run(self, cypher: str, work: Callable[[], Awaitable[T]]) -> T:
        """`work()`, alone if `cypher` has not been answered yet, after its first run if one
        is under way (waiting at most until the request's deadline)."""
        key = hash(cypher)
        while key not in self._planned:
            first = self._first_runs.get(key)
            if first is None:  # this request plans it; the others of its shape wait
                first = self._first_runs[key] = asyncio.get_running_loop().create_future()
                try:
                    value = await work()
                finally:
                    del self._first_runs[key]
                    first.set_result(None)
                if len(self._planned) >= REMEMBERED:
                    self._planned.clear()
                self._planned.add(key)
                return value
            async with deadline.bounded():
                await asyncio.shield(first)
        return await work()

    def forget(self) -> None:
        """The database was lost (it may have restarted): nothing counts as planned."""
        self._planned.clear()
