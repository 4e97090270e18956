"""bench/cpu.py reads CPU time from /proc: a process tree's, children included."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from bench.cpu import CpuMeter, tree_seconds

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="Linux /proc only")

BURN = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n"


def test_a_tree_counts_the_cpu_of_its_children_live_or_ended() -> None:
    # a parent that runs a child burning 0.3 s of CPU, then sleeps: read once the child ended
    script = (
        "import subprocess, sys, time; "
        f"subprocess.run([sys.executable, '-c', {BURN!r}]); time.sleep(5)"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])  # noqa: S603 - our own script
    try:
        meter = CpuMeter(parent.pid, None)
        meter.start()
        time.sleep(2.0)
        spent, database = meter.stop()
    finally:
        parent.kill()
        parent.wait(timeout=30)
    assert database is None
    assert spent is not None
    assert spent >= 0.25


def test_gone_or_missing_processes_read_as_unknown() -> None:
    assert tree_seconds(None) is None
    assert tree_seconds(2**22 + 12345) is None
    assert (tree_seconds(os.getpid()) or 0) > 0
