"""The cooling test end to end against the simulated GPU, whose true parameters are known.

The engine runs 100 to 200 times faster than real time, so a 20-minute test takes seconds.
A small workload of our own holds the load through the backend's public `hold_load` (the runner
developer's SimulatedGpuWorkload replaces it at merge), and past runs come from memory.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import app.stress.thermal.judge as judge
from app.core.engine import Engine, EngineOptions
from app.core.gpu.records import GpuSetReading
from app.core.sampling.live import LiveSession
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings
from app.stress.records import Progress, ThermalResult
from app.stress.thermal.run import ThermalPlan, run_thermal
from tests.stress.thermal.fakes import FakeGuard, HeldLoadWorkload, MemoryStore

TWENTY_MINUTES = ThermalPlan("gpu0", idle_s=60.0, load_s=900.0, cooldown_s=240.0)


@dataclass
class Run:
    result: ThermalResult
    workload: HeldLoadWorkload
    guard: FakeGuard
    real_s: float
    progress: list[Progress]


def _run(
    profile: str,
    plan: ThermalPlan,
    scale: float,
    guard: FakeGuard | None = None,
    cancel_in: str | None = None,
) -> Run:
    engine = Engine(EngineOptions(demo=profile, time_scale=scale))
    session = LiveSession(engine, AlertSettings())
    workload = HeldLoadWorkload(engine.gpu_backend)  # type: ignore[arg-type]
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


@pytest.fixture(autouse=True)
def memory_store(monkeypatch: pytest.MonkeyPatch) -> MemoryStore:
    store = MemoryStore()
    monkeypatch.setattr(judge, "past_results", store.past_results)
    return store


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIWM_HOME", str(tmp_path_factory.mktemp("home")))
        patch.setattr(judge, "past_results", MemoryStore().past_results)
        yield _run("rtx4090", TWENTY_MINUTES, scale=100.0)


def test_healthy_rtx4090_passes_as_power_limited(healthy: Run) -> None:
    assert healthy.result.verdict == "pass", healthy.result.reasons
    assert healthy.result.simulated is True
    assert any(r.startswith("POWER_LIMITED (normal)") for r in healthy.result.reasons)


def test_healthy_time_constant_within_10_percent_and_steady_within_1_5_c_of_the_truth(healthy: Run) -> None:
    truth, metrics = healthy.result.simulated_truth, healthy.result.metrics
    assert truth is not None
    assert metrics["time_constant_s"] == pytest.approx(truth["time_constant_s"], rel=0.10)
    assert metrics["steady_c"] == pytest.approx(truth["steady_c"], abs=1.5)


def test_healthy_idle_temperature_matches_the_model_at_idle_power(healthy: Run) -> None:
    # idle: 22 W, fan at its 30 % minimum below 45 °C: 25 + 22·0.105·(1 + 0.7·0.7) = 28.44 °C
    assert healthy.result.metrics["idle_c"] == pytest.approx(28.44, abs=0.5)


def test_a_twenty_minute_test_runs_in_seconds_on_the_scaled_clock(healthy: Run) -> None:
    phases = {p.phase: p.end_s - p.start_s for p in healthy.result.phases}
    assert phases == {
        "idle": pytest.approx(60, abs=1),
        "load": pytest.approx(900, abs=1),
        "cooldown": pytest.approx(240, abs=1),
    }
    assert healthy.real_s < 30.0  # 1200 s at 100× is 12 s
    assert healthy.workload.started == 1 and healthy.workload.stopped == 1


def test_progress_comes_about_once_a_second_through_the_phases_in_order(healthy: Run) -> None:
    phases = [p.phase for p in healthy.progress]
    assert 8 <= len(phases) <= 16  # 12 s of real time
    assert phases == sorted(phases, key=["idle", "load", "cooldown"].index)
    assert {p.total_s for p in healthy.progress} == {1200.0}
    elapsed = [p.elapsed_s for p in healthy.progress]
    assert elapsed == sorted(elapsed) and elapsed[-1] > 1000


def test_the_guard_saw_every_sample(healthy: Run) -> None:
    assert healthy.guard.checked > 600  # ~1200 ticks of 1 s, a few may be skipped on a busy machine


def test_degraded_rtx4090_fails_naming_thermal_slowdown() -> None:
    run = _run("rtx4090-degraded", ThermalPlan("gpu0", 30.0, 600.0, 30.0), scale=200.0)
    assert run.result.verdict in ("warn", "fail")
    assert any("THERMAL_SLOWDOWN" in r for r in run.result.reasons), run.result.reasons


def test_cancel_in_the_load_phase_aborts_and_stops_the_workload() -> None:
    run = _run("rtx4090", ThermalPlan("gpu0", 20.0, 600.0, 60.0), scale=100.0, cancel_in="load")
    assert run.result.verdict == "aborted"
    assert run.result.abort_reason is not None and "cancelled by the user" in run.result.abort_reason
    assert run.workload.started == 1 and run.workload.stopped == 1
    assert [p.phase for p in run.result.phases] == ["idle", "load"]
    assert run.result.phases[-1].end_s - run.result.phases[-1].start_s < 300  # well before the planned 600 s


def _hotter_than(limit_c: float) -> FakeGuard:
    def rule(sample: Sample) -> str | None:
        reading = sample.reading
        if isinstance(reading, GpuSetReading) and (reading.gpus[0].temperature_c or 0) > limit_c:
            return f"GPU 0 at {reading.gpus[0].temperature_c} °C"
        return None

    return FakeGuard(rule)


def test_the_guard_tripping_during_the_load_stops_it_cools_down_and_fails() -> None:
    run = _run("rtx4090", ThermalPlan("gpu0", 20.0, 600.0, 60.0), scale=100.0, guard=_hotter_than(60.0))
    assert run.result.verdict == "fail"
    assert run.result.reasons[0].startswith("SAFETY_STOP: the load was stopped early: GPU 0 at 6")
    assert [p.phase for p in run.result.phases] == ["idle", "load", "cooldown"]
    assert run.workload.stopped == 1


def test_the_guard_tripping_while_idle_aborts_before_any_load() -> None:
    run = _run("rtx4090", ThermalPlan("gpu0", 30.0, 600.0, 60.0), scale=100.0, guard=FakeGuard(lambda s: "RAM low"))
    assert run.result.verdict == "aborted"
    assert run.result.abort_reason == "the safety guard stopped the test before the load: RAM low"
    assert run.workload.started == 0


def test_a_guard_that_raises_stops_the_test_instead_of_being_ignored() -> None:
    def broken(sample: Sample) -> str | None:
        raise KeyError("no such sensor")

    run = _run("rtx4090", ThermalPlan("gpu0", 30.0, 600.0, 60.0), scale=100.0, guard=FakeGuard(broken))
    assert run.result.verdict == "aborted"
    assert "the safety guard failed (KeyError" in (run.result.abort_reason or "")


def test_the_degraded_cards_thermal_slowdown_is_timed_by_its_own_nvml_counter() -> None:
    """The per-reason counters (NVML field ids 269, 270) time SW and HW thermal slowdown; the
    simulated card reports them, so the breakdown says "counter" rather than a sampled guess."""
    run = _run("rtx4090-degraded", ThermalPlan("gpu0", 30.0, 600.0, 30.0), scale=200.0)
    throttle = run.result.details["throttle"]
    assert isinstance(throttle, dict)
    by_reason = throttle["by_reason"]
    thermal = by_reason["sw_thermal_slowdown"]
    assert thermal["source"] == "counter" and thermal["percent"] > 50, by_reason
