"""LiveSession: one object for sampling, alerts and recording, shared by `aiwm record` and the window."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.engine import Engine, EngineOptions
from app.core.gpu.catalog import default_catalog
from app.core.gpu.records import GpuSetReading, NvidiaStatus
from app.core.gpu.simulated import SimulatedGpu
from app.core.sampling.alerts import AlertEvent
from app.core.sampling.live import LiveSession
from app.core.sampling.sample import Sample
from app.core.sessions.reader import Session
from app.core.settings import AlertSettings

STATUS = NvidiaStatus("SIMULATED", None, None, None, simulated=True)
HOST_SOURCES = {"cpu", "memory", "disk_io", "network", "nvme_temperature", "smart"}


def _session(demo: str = "rtx4090", time_scale: float = 1.0) -> LiveSession:
    return LiveSession(Engine(EngineOptions(demo=demo, time_scale=time_scale)), AlertSettings())


def test_at_real_time_the_host_and_the_gpus_are_sampled() -> None:
    live = _session(time_scale=1.0)
    try:
        assert set(live.sampler.source_names) == HOST_SOURCES | {"gpu", "gpu_pcie"}
        assert live.sources_label == "all" and not live.simulated_only
    finally:
        live.stop()


def test_a_recording_at_a_time_scale_holds_only_simulated_sources_and_says_so(tmp_path: Path) -> None:
    live = _session(time_scale=50.0)
    path = tmp_path / "scaled.aiwm"
    live.start_recording(path)
    live.start(duration_s=20.0)
    live.sampler._thread.join(10)  # type: ignore[union-attr]
    stopped = live.stop()
    assert stopped is not None and stopped.recorder.rows_written > 0
    with Session(path) as session:
        sources = {s.source for s in session.samples()}
        meta = session.meta
    assert sources <= {"gpu", "gpu_pcie"} and "gpu" in sources, "no real host reading on the simulated clock"
    assert meta["sources"] == "simulated only"
    assert (meta["simulated"], meta["time_scale"], meta["interval_s"]) == (True, 50.0, 1.0)
    assert meta["inventory"]["gpus"][0]["name"] == "NVIDIA GeForce RTX 4090 [SIMULATED]"
    assert abs(meta["started_at"] - time.time()) < 60


def _hot_samples(start: int, seconds: int, load: float, gpu: SimulatedGpu) -> list[Sample]:
    gpu.set_load(load)
    out = []
    for t in range(start, start + seconds):
        gpu.advance_to(float(t))
        out.append(Sample("gpu", 1.0, 1_800_000_000.0 + t, 0, 0, GpuSetReading(STATUS, (gpu.reading(),))))
    return out


def test_alerts_reach_the_listeners_and_the_recording_once(tmp_path: Path) -> None:
    live = _session()
    heard: list[AlertEvent] = []
    live.subscribe(on_alert=heard.append)
    path = tmp_path / "alerts.aiwm"
    live.start_recording(path)
    profile = default_catalog()["rtx4090-degraded"]
    gpu = SimulatedGpu(replace(profile, thermal=replace(profile.thermal, ambient_c=55.0)), 0, start_s=0.0)
    for sample in _hot_samples(0, 900, 1.0, gpu) + _hot_samples(900, 900, 0.0, gpu):
        live.handle(sample)
    live.stop()
    with Session(path) as session:
        events = session.events()
    assert [kind for _, kind, _ in events] == [f"alert_{e.kind}" for e in heard]
    assert {"alert_fired", "alert_cleared"} <= {kind for _, kind, _ in events}
    assert len(events) == len(heard), "each alert event is written once"
    assert sum(1 for s in Session(path).samples()) == 1800


def test_listeners_can_join_and_leave_while_it_runs() -> None:
    live = _session(time_scale=20.0)
    live.start()
    try:
        time.sleep(0.2)
        seen: list[Sample] = []
        live.subscribe(on_sample=seen.append)
        time.sleep(0.4)
        live.unsubscribe(on_sample=seen.append)
        time.sleep(0.1)
        count = len(seen)
        time.sleep(0.3)
    finally:
        live.stop()
    assert count >= 4
    assert len(seen) == count


def test_ticks_the_sampler_could_not_keep_up_with_are_noted_in_the_session(tmp_path: Path) -> None:
    live = _session(time_scale=1000.0)
    live.subscribe(on_sample=lambda _: time.sleep(0.005))  # a slow machine: 5 ms per 1 ms tick
    path = tmp_path / "late.aiwm"
    live.start_recording(path)
    live.start(duration_s=200.0)
    live.sampler._thread.join(30)  # type: ignore[union-attr]
    stopped = live.stop()
    assert stopped is not None
    gpu = next(s for s in stopped.skipped if s.source == "gpu")
    with Session(path) as session:
        rows = sum(1 for s in session.samples() if s.source == "gpu")
        notes = [message for _, kind, message in session.events() if kind == "ticks_skipped"]
    assert gpu.due == 200 and rows + gpu.skipped == 200
    assert f"gpu: {gpu.skipped} of 200 ticks skipped (the sampler could not keep up)" in notes
    assert len(notes) == len(stopped.skipped), "one note per source that lost ticks"


def test_a_failing_listener_does_not_stop_the_others_or_the_recording(tmp_path: Path, caplog) -> None:
    live = _session()
    heard: list[Sample] = []

    def broken(_: object) -> None:
        raise RuntimeError("listener bug")

    live.subscribe(on_sample=broken, on_alert=broken)
    live.subscribe(on_sample=heard.append)
    path = tmp_path / "robust.aiwm"
    live.start_recording(path)
    profile = default_catalog()["rtx4090-degraded"]
    gpu = SimulatedGpu(replace(profile, thermal=replace(profile.thermal, ambient_c=55.0)), 0, start_s=0.0)
    samples = _hot_samples(0, 900, 1.0, gpu)
    for sample in samples:
        live.handle(sample)
    live.stop()
    assert len(heard) == 900
    with Session(path) as session:
        assert sum(1 for _ in session.samples()) == 900
        assert any(kind == "alert_fired" for _, kind, _ in session.events())
    assert "live session listener failed" in caplog.text


def test_a_second_recording_is_refused_without_creating_its_file(tmp_path: Path) -> None:
    live = _session()
    live.start_recording(tmp_path / "first.aiwm")
    try:
        with pytest.raises(RuntimeError, match="already recording"):
            live.start_recording(tmp_path / "second.aiwm")
        assert not (tmp_path / "second.aiwm").exists()
    finally:
        live.stop()
