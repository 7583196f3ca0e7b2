"""Shared helpers for the benchmark scripts (not a test module)."""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def cpu_ms_per_call(call: Callable[[], object], repeats: int) -> dict[str, float]:
    """Median and 95th percentile of CPU (thread time) and wall milliseconds per call."""
    cpu, wall = [], []
    for _ in range(repeats):
        c0, w0 = time.thread_time(), time.perf_counter()
        call()
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    cpu.sort()
    wall.sort()
    return {
        "cpu_ms_median": round(statistics.median(cpu), 4),
        "cpu_ms_p95": round(cpu[int(0.95 * (len(cpu) - 1))], 4),
        "wall_ms_median": round(statistics.median(wall), 4),
    }


def emit(name: str, results: dict[str, Any]) -> None:
    doc = {"benchmark": name, "machine": {"python": platform.python_version(), "cpus": _cpus()}, **results}
    print(json.dumps(doc, indent=2))


def _cpus() -> int | None:
    import os

    return os.cpu_count()
