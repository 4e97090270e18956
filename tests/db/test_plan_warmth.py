"""The first run of a statement text goes alone; the others of its shape wait for it and then
run together (graph_api/db/_plan_warmth.py, issue 12 item 3)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from graph_api.db._plan_warmth import PlanWarmth

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


async def test_the_first_run_of_a_statement_goes_alone_then_the_rest_together() -> None:
    warmth = PlanWarmth()
    running, most, order = 0, 0, []

    async def work(name: str) -> str:
        nonlocal running, most
        running += 1
        most = max(most, running)
        order.append(name)
        await asyncio.sleep(0.05 if name == "first" else 0.01)
        running -= 1
        return name

    def named(name: str) -> Callable[[], Awaitable[str]]:
        return lambda: work(name)

    first = asyncio.create_task(warmth.run("MATCH (n) RETURN n", named("first")))
    await asyncio.sleep(0)
    rest = [asyncio.create_task(warmth.run("MATCH (n) RETURN n", named(f"r{n}"))) for n in range(8)]
    assert await first == "first"
    assert order[0] == "first"
    assert [await task for task in rest] == [f"r{n}" for n in range(8)]
    assert most == 8  # after the first, the others ran side by side


async def test_a_failed_first_run_hands_the_plan_to_the_next_and_loss_forgets() -> None:
    warmth = PlanWarmth()
    calls: list[str] = []

    async def fails() -> str:
        calls.append("fails")
        await asyncio.sleep(0.01)
        raise RuntimeError("timed out")

    async def works() -> str:
        calls.append("works")
        await asyncio.sleep(0.01)
        return "ok"

    failing = asyncio.create_task(warmth.run("RETURN 2", fails))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(warmth.run("RETURN 2", works)) for _ in range(3)]
    results = await asyncio.gather(failing, *waiting, return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert results[1:] == ["ok", "ok", "ok"]
    assert calls[:2] == ["fails", "works"]  # one new first run, then the rest
    warmth.forget()
    started = asyncio.create_task(warmth.run("RETURN 2", works))
    await asyncio.sleep(0)
    assert warmth._first_runs  # planned again: alone first
    assert await started == "ok"


def test_the_most_used_shapes_are_remembered_and_a_loss_makes_them_cold() -> None:
    warmth = PlanWarmth()
    assert not warmth.cold
    warmth.forget()
    assert not warmth.cold  # nothing remembered: nothing to rehearse
    for n in range(3):
        warmth.remember("RETURN $a", {"a": n}, writes=False)
    warmth.remember("CREATE (:X {v: $v})", {"v": 1}, writes=True)
    [most, other] = warmth.most_used(2)
    assert (most.cypher, most.parameters, most.uses, most.writes) == (
        "RETURN $a",
        {"a": 2},
        3,
        False,
    )
    assert other.writes
    warmth.planned("RETURN $a")
    warmth.forget()
    assert warmth.cold
    assert not warmth.is_planned("RETURN $a")
    losses = warmth.losses
    warmth.forget()  # lost again while rehearsing: still cold
    warmth.warmed(losses)
    assert warmth.cold
    warmth.warmed(warmth.losses)
    assert not warmth.cold
