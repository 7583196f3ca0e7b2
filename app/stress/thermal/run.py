"""PLACEHOLDER (issue 9, thermal helper replaces this file): the cooling test's phases."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from app.core.sampling.live import LiveSession
from app.stress.guard import SafetyGuard
from app.stress.records import Progress, ThermalResult, Workload


@dataclass(frozen=True)
class ThermalPlan:
    device: str = "gpu0"  # or "cpu"
    idle_s: float = 60.0
    load_s: float = 600.0
    cooldown_s: float = 180.0


def run_thermal(
    plan: ThermalPlan,
    workload: Workload,
    session: LiveSession,
    guard: SafetyGuard | None,
    cancel: threading.Event,
    on_progress: Callable[[Progress], None] | None = None,
) -> ThermalResult:
    """Idle baseline, load, cooldown; then the analysis, the verdict and the baseline comparison."""
    raise NotImplementedError
