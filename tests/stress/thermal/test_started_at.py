"""The cooling test's start time in its file is the real UTC time, also on a time-scaled clock (T9 #20)."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest

import app.stress.thermal.judge as judge
from app.core.engine import Engine, EngineOptions
from app.core.sampling.live import LiveSession
from app.core.settings import AlertSettings
from app.stress.thermal.run import ThermalPlan, run_thermal
from tests.stress.thermal.fakes import FakeGuard, HeldLoadWorkload, MemoryStore


def test_started_at_is_the_wall_clocks_time_though_the_engines_clock_runs_1000_times_faster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The engine's clock, made 0.2 real s before the test, reads 200 s ahead of the wall by then."""
    monkeypatch.setattr(judge, "past_results", MemoryStore().past_results)
    engine = Engine(EngineOptions(demo="rtx4090", time_scale=1000.0))
    session = LiveSession(engine, AlertSettings())
    session.start()
    try:
        time.sleep(0.2)
        before = time.time()
        plan = ThermalPlan("gpu0", idle_s=5.0, load_s=30.0, cooldown_s=5.0)
        workload = HeldLoadWorkload(engine.gpu_backend)  # type: ignore[arg-type]
        result = run_thermal(plan, workload, session, FakeGuard(), threading.Event())
        after = time.time()
    finally:
        session.stop()
    started = datetime.fromisoformat(result.started_at.replace("Z", "+00:00")).timestamp()
    assert before - 0.002 <= started <= after
