"""Runs a cooling test end to end on a simulated GPU at a time scale, as the CLI and the window do."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from app.core.engine import Engine, EngineOptions
from app.core.gpu.simulated_backend import SimulatedBackend
from app.core.sampling.live import LiveSession
from app.core.settings import AlertSettings
from app.stress.records import Progress, ThermalResult
from app.stress.thermal.run import ThermalPlan, run_thermal
from tests.stress.thermal.fakes import FakeGuard, HeldLoadWorkload


@dataclass
class Run:
    result: ThermalResult
    workload: HeldLoadWorkload
    guard: FakeGuard
    real_s: float
    progress: list[Progress] = field(default_factory=list)


def run_simulated(
    profile: str,
    plan: ThermalPlan,
    scale: float,
    guard: FakeGuard | None = None,
    cancel_in: str | None = None,
    preheat_s: float = 0.0,
) -> Run:
    """The test on a fresh engine. The card is held idle from the engine's first moment (the demo
    workload would otherwise heat it while the session starts), or at full load for `preheat_s`
    engine seconds first: a card still warm from earlier work."""
    engine = Engine(EngineOptions(demo=profile, time_scale=scale))
    backend = engine.gpu_backend
    assert isinstance(backend, SimulatedBackend)
    backend.hold_load(0, 1.0 if preheat_s > 0 else 0.0)
    if preheat_s > 0:
        time.sleep(engine.clock.to_real_s(preheat_s))
        backend.hold_load(0, 0.0)
    session = LiveSession(engine, AlertSettings())
    workload = HeldLoadWorkload(backend)
    guard = guard or FakeGuard()
    cancel = threading.Event()
    seen: list[Progress] = []

    def progress(p: Progress) -> None:
        seen.append(p)
        if p.phase == cancel_in:
            cancel.set()

    session.start()
    began = time.monotonic()
    try:
        result = run_thermal(plan, workload, session, guard, cancel, progress)  # type: ignore[arg-type]
    finally:
        session.stop()
    return Run(result, workload, guard, time.monotonic() - began, seen)
