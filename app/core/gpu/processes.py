"""Names and owners of the processes that hold GPU memory, looked up once per PID."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import psutil

from app.core.gpu.records import GpuProcess


class ProcessNames:
    """Caches (name, user) per PID; forgets PIDs that are gone from every GPU."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[str | None, str | None]] = {}
        self._lock = threading.Lock()  # a backend may be read from two sampler workers

    def lookup(self, pid: int) -> tuple[str | None, str | None]:
        with self._lock:
            known = self._cache.get(pid)
        if known is None:
            known = _name_and_user(pid)
            with self._lock:
                self._cache[pid] = known
        return known

    def forget_except(self, pids: Iterable[int]) -> None:
        keep = set(pids)
        with self._lock:
            self._cache = {pid: v for pid, v in self._cache.items() if pid in keep}


def _name_and_user(pid: int) -> tuple[str | None, str | None]:
    """A process in another container or owned by another user may hide its name: `None` then."""
    try:
        process = psutil.Process(pid)
        with process.oneshot():
            name = process.name()
            try:
                user: str | None = process.username()
            except (psutil.AccessDenied, KeyError):
                user = None
        return name, user
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None, None


def merge_processes(
    compute: list[Any] | None, graphics: list[Any] | None, names: ProcessNames
) -> tuple[GpuProcess, ...]:
    """NVML's compute and graphics lists as one, by PID; a PID in both is "compute+graphics"."""
    by_pid: dict[int, tuple[int | None, set[str]]] = {}
    for kind, entries in (("compute", compute or []), ("graphics", graphics or [])):
        for entry in entries:
            memory, kinds = by_pid.get(entry.pid, (None, set()))
            # A PID in both lists reports the same allocation twice: keep the larger, never the sum.
            known = [v for v in (memory, entry.usedGpuMemory) if v is not None]
            used = max(known) if known else None
            by_pid[entry.pid] = (used, kinds | {kind})
    out = []
    for pid, (memory, kinds) in sorted(by_pid.items()):
        name, user = names.lookup(pid)
        kind = "compute+graphics" if len(kinds) == 2 else kinds.pop()
        out.append(GpuProcess(pid, name, user, None if memory is None else int(memory), kind))
    return tuple(out)
