"""Shared helpers for the host workload tests: run a workload for a while, find its processes."""

from __future__ import annotations

import time
from collections.abc import Callable

import psutil

from app.stress.records import Workload, WorkloadStatus


def child_pids() -> set[int]:
    """The processes this test process has started and that still run.

    multiprocessing's resource tracker is left out: it starts with the first "spawn" and serves
    the whole test session, by design.
    """
    pids = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if child.is_running() and "resource_tracker" not in " ".join(child.cmdline()):
                pids.add(child.pid)
        except psutil.NoSuchProcess:
            pass
    return pids


def poll_until(workload: Workload, done: Callable[[WorkloadStatus], bool], timeout_s: float = 60.0) -> WorkloadStatus:
    """Poll every 50 ms until `done(status)`; fail the test with the last status if it never comes."""
    deadline = time.monotonic() + timeout_s
    status = workload.poll()
    while not done(status):
        assert time.monotonic() < deadline, f"gave up waiting; last status: {status}"
        time.sleep(0.05)
        status = workload.poll()
    return status


def no_new_processes(before: set[int], timeout_s: float = 5.0) -> bool:
    """True when every process started since `before` has ended (within a short wait)."""
    deadline = time.monotonic() + timeout_s
    while child_pids() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    return not (child_pids() - before)
