"""The first run of a statement text goes alone; the others of its shape wait for it and then
run together (graph_api/db/_plan_warmth.py, issue 12 item 3)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from graph_api.db._database import _sample
from graph_api.db._plan_warmth import PlanWarmth

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


class Works:
    """Stand-in statements: each records its name and how many ran at once at most."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.order: list[str] = []

    async def work(self, name: str, seconds: float = 0.01) -> str:
        self.running += 1
        self.most = max(self.most, self.running)
        self.order.append(name)
        await asyncio.sleep(seconds)
        self.running -= 1
        return name


async def test_the_first_run_of_a_statement_goes_alone_then_the_rest_together() -> None:
    warmth = PlanWarmth()
    works = Works()
    order = works.order

    def named(name: str) -> Callable[[], Awaitable[str]]:
        return lambda: works.work(name, 0.05 if name == "first" else 0.01)

    first = asyncio.create_task(warmth.run("MATCH (n) RETURN n", named("first")))
    await asyncio.sleep(0)
    rest = [asyncio.create_task(warmth.run("MATCH (n) RETURN n", named(f"r{n}"))) for n in range(8)]
    assert await first == "first"
    assert order[0] == "first"
    assert [await task for task in rest] == [f"r{n}" for n in range(8)]
    assert works.most == 8  # after the first, the others ran side by side


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
    warmth.remember("RETURN $b", {"b": 1}, writes=False)
    [writer, most, other] = warmth.most_used(3)
    assert writer.writes  # an audit record's statement: every read waits for one
    assert (most.cypher, most.parameters, most.uses, most.writes) == (
        "RETURN $a",
        {"a": 2},
        3,
        False,
    )
    assert other.cypher == "RETURN $b"
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


async def test_while_cold_first_runs_take_turns_writes_first_then_the_most_used() -> None:
    warmth = PlanWarmth()
    for cypher, uses, writes in (("READ_A", 5, False), ("READ_B", 1, False), ("WRITE", 1, True)):
        for _ in range(uses):
            warmth.remember(cypher, {}, writes=writes)
    warmth.forget()  # lost: cold
    assert warmth.cold
    works = Works()

    def run(cypher: str) -> asyncio.Task[str]:
        return asyncio.create_task(warmth.run(cypher, lambda: works.work(cypher)))

    tasks = [run("READ_B")]
    await asyncio.sleep(0)  # READ_B has the turn; the others queue behind it
    tasks += [run("READ_B"), run("READ_A"), run("WRITE"), run("READ_A")]
    assert await asyncio.gather(*tasks) == ["READ_B", "READ_B", "READ_A", "WRITE", "READ_A"]
    first_runs = list(dict.fromkeys(works.order))
    assert first_runs == ["READ_B", "WRITE", "READ_A"]  # one at a time, in precedence
    assert works.most == 2  # planned shapes run side by side at once (the two for READ_A)

    warmth.warmed(warmth.losses)  # warm: different shapes' first runs go side by side
    works = Works()
    await asyncio.gather(*(warmth.run(f"NEW_{n}", lambda: works.work("new")) for n in range(3)))
    assert works.most == 3


async def test_a_first_run_that_gives_up_waiting_for_its_turn_hands_nothing_on() -> None:
    warmth = PlanWarmth()
    warmth.remember("SLOW", {}, writes=False)
    warmth.forget()
    release = asyncio.Event()

    async def slow() -> str:
        await release.wait()
        return "slow"

    holder = asyncio.create_task(warmth.run("SLOW", slow))
    await asyncio.sleep(0)
    waiting = asyncio.create_task(warmth.run("OTHER", lambda: asyncio.sleep(0, "other")))
    await asyncio.sleep(0)
    waiting.cancel()  # as a request's deadline does
    release.set()
    assert await holder == "slow"
    assert await warmth.run("THIRD", lambda: asyncio.sleep(0, "third")) == "third"


def test_a_rehearsal_keeps_each_list_in_its_size_class() -> None:
    """Neo4j plans by the size class of each list parameter (1, 2-10, 11-100, ...): a rehearsal
    cuts a list to the fewest items of its class, never below it, so it plans the plan the
    requests use (a two-item list cut to one planned a plan no request used)."""
    parameters: dict[str, Any] = {"id": "off_0000001", "fields": [["id", "surname"], ["a", "b"]]}
    parameters |= {name: list(range(n)) for name, n in (("one", 1), ("ten", 10), ("batch", 32))}
    parameters |= {"huge": list(range(1_500)), "none": []}
    sampled = _sample(parameters)
    assert sampled["id"] == "off_0000001"
    assert sampled["fields"] == parameters["fields"]
    sizes = {name: len(sampled[name]) for name in ("one", "ten", "batch", "huge", "none")}
    assert sizes == {"one": 1, "ten": 2, "batch": 11, "huge": 1_001, "none": 0}


def test_declared_statements_are_rehearsed_after_those_requests_sent() -> None:
    """A trusted document's statement, declared before any request sent it, is rehearsed at
    start after every statement requests did send (writes first, then the most used); after a
    loss only what requests sent is."""
    plans = PlanWarmth()
    plans.declare("declared write", {}, writes=True)
    plans.remember("sent read", {}, writes=False)
    plans.remember("sent write", {}, writes=True)
    plans.declare("sent read", {"ignored": 1}, writes=False)  # known already: unchanged
    assert [shape.cypher for shape in plans.most_used()] == [
        "sent write",
        "sent read",
        "declared write",
    ]
    assert plans.most_used()[1].parameters == {}
    plans.forget()  # after a loss, only what requests sent
    assert [shape.cypher for shape in plans.most_used()] == ["sent write", "sent read"]
