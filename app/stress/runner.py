"""PLACEHOLDER (issue 9, runner helper replaces this file): runs one workload under the guard."""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.core.sampling.live import LiveSession
from app.stress.guard import SafetyGuard
from app.stress.records import Progress, StressResult, Workload


def run_stress(
    workload: Workload,
    duration_s: float,
    session: LiveSession | None,
    guard: SafetyGuard | None,
    cancel: threading.Event,
    on_progress: Callable[[Progress], None] | None = None,
) -> StressResult:
    """Run `workload` for `duration_s` (or until cancelled, failed or stopped by the guard)."""
    raise NotImplementedError
