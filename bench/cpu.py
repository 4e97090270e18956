"""CPU time a server spends, read from /proc: what each request costs, for capacity planning.

`tree_seconds(pid)` is the user and system CPU time of a process and of its descendants, live
or ended (`graph-api serve` with several workers is a parent and its worker children). The
matrix reads it before and after each run of a cell, for the target's server and for Neo4j, so
the report can say how many milliseconds of CPU a request took on each and, from that, how many
requests a second one core can serve. Linux only; elsewhere the figures are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of one process, None if it is gone or unreadable."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    # user + system time, its own and that of the children it has waited for (a child that
    # ended moves its time into its parent's, so the tree's total does not drop)
    return int(fields[1]), sum(int(value) for value in fields[11:15]) / _TICKS


def _processes() -> dict[int, tuple[int, float]]:
    """Every process now: pid -> (parent pid, CPU seconds); empty without /proc."""
    if not Path("/proc").is_dir():
        return {}
    processes = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (found := _stat(entry)) is not None:
            processes[int(entry)] = found
    return processes


def tree_seconds(
    root: int | None, processes: dict[int, tuple[int, float]] | None = None
) -> float | None:
    """CPU seconds used so far by `root` and its descendants (those that ended, through the
    counts of the parents that waited for them); None without /proc or without `root`.
    `processes`: one reading of `_processes` shared by several roots."""
    if processes is None:
        processes = _processes()
    if root is None or root not in processes:
        return None
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += processes[pid][1]
        todo.extend(children.get(pid, ()))
    return total


class CpuMeter:
    """CPU seconds spent by a server and by the database between `start` and `stop`."""

    def __init__(self, server: int | None, database: int | None) -> None:
        self.server, self.database = server, database
        self._before: tuple[float | None, float | None] = (None, None)

    def start(self) -> None:
        self._before = self._read()

    def stop(self) -> tuple[float | None, float | None]:
        """(server seconds, database seconds) since `start`; None where unknown."""
        after = self._read()
        return (
            _spent(self._before[0], after[0]),
            _spent(self._before[1], after[1]),
        )

    def _read(self) -> tuple[float | None, float | None]:
        processes = _processes()  # one pass over /proc for both
        return tree_seconds(self.server, processes), tree_seconds(self.database, processes)


def _spent(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else max(0.0, after - before)
