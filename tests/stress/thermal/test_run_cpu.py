"""The cooling test of the CPU: its temperature from the host's sensors, its workload's GFLOPS."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import app.stress.thermal.judge as judge
from app.core.engine import Engine, EngineOptions
from app.core.sampling.live import LiveSession
from app.core.settings import AlertSettings
from app.stress.records import WorkloadStatus
from app.stress.thermal.run import ThermalPlan, run_thermal
from tests.stress.thermal.fakes import FakeGuard, MemoryStore

DATA = Path(__file__).parents[2] / "data"


class CountingCpuWorkload:
    """Stands in for the CPU workload: reports a steady 120 GFLOPS while started."""

    kind = "cpu"
    device = "cpu"

    def __init__(self) -> None:
        self.running = False
        self.stops = 0

    def start(self) -> None:
        self.running = True

    def poll(self) -> WorkloadStatus:
        return WorkloadStatus(self.running, metrics={"gflops": 120.0})

    def stop(self) -> WorkloadStatus:
        self.running, self.stops = False, self.stops + 1
        return WorkloadStatus(False, metrics={"gflops": 120.0})


def test_a_cpu_cooling_test_reads_the_cpu_temperature_and_is_not_judged_by_gpu_power(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(judge, "past_results", MemoryStore().past_results)
    # recorded sysfs of a workstation: the CPU package sensor reads 61 °C
    options = EngineOptions(sysfs=DATA / "sysfs_workstation", procfs=DATA / "procfs_workstation", interval_s=0.25)
    session = LiveSession(Engine(options), AlertSettings())
    workload = CountingCpuWorkload()
    session.start()
    try:
        result = run_thermal(ThermalPlan("cpu", 1.0, 2.0, 1.0), workload, session, FakeGuard(), threading.Event())
    finally:
        session.stop()
    assert result.device == "cpu" and result.simulated is False and result.simulated_truth is None
    assert result.metrics["idle_c"] == 61.0 and result.metrics["peak_c"] == 61.0
    assert result.metrics["power_fraction"] is None and result.metrics["headroom_to_slowdown_c"] is None
    assert not any(r.startswith(("LIGHT_LOAD", "NO_TEMPERATURE")) for r in result.reasons)
    assert workload.stops == 1


def test_a_cpu_cooling_test_beside_demo_gpus_is_real_not_labelled_simulated(monkeypatch: pytest.MonkeyPatch) -> None:
    """T9 #2: --demo simulates GPUs only; the CPU under load is this machine's."""
    monkeypatch.setattr(judge, "past_results", MemoryStore().past_results)
    options = EngineOptions(
        demo="", sysfs=DATA / "sysfs_workstation", procfs=DATA / "procfs_workstation", interval_s=0.25
    )
    session = LiveSession(Engine(options), AlertSettings())
    session.start()
    try:
        result = run_thermal(ThermalPlan("cpu", 0.5, 1.0, 0.5), CountingCpuWorkload(), session, None, threading.Event())
    finally:
        session.stop()
    assert result.simulated is False and result.simulated_truth is None
