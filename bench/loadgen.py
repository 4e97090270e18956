"""A closed-loop load generator: N workers, each sending its next request when the last returns.

Closed loop means the offered load follows the system's speed (no coordinated-omission
correction is needed or done): at concurrency 1 every latency is one request alone; at 8 or 32
the workers queue on the server as real clients would.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from bench.queries import Request


@dataclass
class Sample:
    """What one or more runs of one target, query and concurrency measured."""

    target: str
    query: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: int = 0
    elapsed: float = 0.0  # wall-clock seconds spent sending
    first_error: str | None = None
    #: CPU seconds the target's server and Neo4j spent meanwhile (bench/cpu.py); None: unknown.
    server_cpu: float | None = None
    database_cpu: float | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        return len(self.latencies) / self.elapsed if self.elapsed > 0 else 0.0

    def add(self, other: Sample) -> None:
        """Fold another run (a later round) into this sample."""
        self.latencies.extend(other.latencies)
        self.errors += other.errors
        self.elapsed += other.elapsed
        self.first_error = self.first_error or other.first_error
        self.server_cpu = _plus(self.server_cpu, other.server_cpu)
        self.database_cpu = _plus(self.database_cpu, other.database_cpu)


def _plus(total: float | None, more: float | None) -> float | None:
    return more if total is None else total if more is None else total + more


async def closed_loop(
    send: Callable[[Request], Awaitable[Any]],
    requests: Sequence[Request],
    concurrency: int,
    *,
    start: int = 0,
    count: int | None = None,
    duration: float | None = None,
    label: tuple[str, str] = ("", ""),
) -> tuple[Sample, int]:
    """Send requests `start`, `start + 1` ... (cycling) from `concurrency` workers.

    Stops after `count` requests or `duration` seconds, whichever is given (count wins).
    Returns the sample and the index of the next unsent request, so a later round continues
    the same sequence.
    """
    if count is None and duration is None:
        raise ValueError("give a request count or a duration")
    sample = Sample(label[0], label[1], concurrency)
    next_index = start
    deadline = time.perf_counter() + (duration or 0.0)

    def take() -> Request | None:
        nonlocal next_index
        if count is not None:
            if next_index - start >= count:
                return None
        elif time.perf_counter() >= deadline:
            return None
        request = requests[next_index % len(requests)]
        next_index += 1
        return request

    async def worker() -> None:
        while (request := take()) is not None:
            began = time.perf_counter()
            try:
                await send(request)
            except Exception as error:  # counted, never fatal: a run with errors is no result
                sample.errors += 1
                if sample.first_error is None:
                    sample.first_error = f"{type(error).__name__}: {error}"[:500]
            else:
                sample.latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    sample.elapsed = time.perf_counter() - began
    return sample, next_index
