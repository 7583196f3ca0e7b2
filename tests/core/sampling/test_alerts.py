"""Default alerts fire once when their condition starts and clear once when it ends."""

from __future__ import annotations

from dataclasses import replace

from app.core.gpu.catalog import default_catalog
from app.core.gpu.records import GpuSetReading, NvidiaStatus
from app.core.gpu.simulated import SimulatedGpu
from app.core.records import DriveTemperature, DriveTemperatureReading, MemoryReading
from app.core.sampling.alerts import AlertEngine
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings

STATUS = NvidiaStatus("SIMULATED", None, None, None, simulated=True)
GIB = 2**30


def _gpu_sample(gpu: SimulatedGpu, t: float) -> Sample:
    gpu.advance_to(t)
    return Sample("gpu", 1.0, t, 0, 0, GpuSetReading(STATUS, (gpu.reading(),)))


def _events(engine: AlertEngine, samples: list[Sample]) -> list[tuple[float, str, str]]:
    return [(e.wall_s, e.kind, e.alert.rule) for s in samples for e in engine.update(s)]


def test_hot_gpu_fires_near_slowdown_and_slowdown_then_both_clear_when_it_cools() -> None:
    profile = default_catalog()["rtx4090-degraded"]
    profile = replace(profile, thermal=replace(profile.thermal, ambient_c=55.0))
    gpu = SimulatedGpu(profile, 0, start_s=0.0)
    engine = AlertEngine([gpu.info()], AlertSettings())
    gpu.set_load(1.0)
    heating = _events(engine, [_gpu_sample(gpu, float(t)) for t in range(1, 900)])
    fired = [rule for _, kind, rule in heating if kind == "fired"]
    assert fired.count("gpu_near_slowdown") == 1 and "gpu_slowdown" in fired
    near = next(t for t, kind, rule in heating if rule == "gpu_near_slowdown")
    gpu.advance_to(near - 1)
    gpu.set_load(0.0)
    cooling = _events(engine, [_gpu_sample(gpu, float(t)) for t in range(900, 1800)])
    assert {rule for _, kind, rule in cooling if kind == "cleared"} >= {"gpu_near_slowdown", "gpu_slowdown"}
    assert not engine.active


def test_vram_full_alert_uses_the_threshold() -> None:
    gpu = SimulatedGpu(default_catalog()["rtx3090"], 0, start_s=0.0)
    engine = AlertEngine([gpu.info()], AlertSettings(vram_percent=90.0))
    gpu.set_load(0.5, vram_bytes=int(0.92 * gpu.profile.spec.vram_total_bytes), process_name="train.py")
    assert [e.alert.rule for e in engine.update(_gpu_sample(gpu, 1.0))] == ["vram_full"]
    gpu.set_load(0.5, vram_bytes=int(0.5 * gpu.profile.spec.vram_total_bytes), process_name="train.py")
    assert [(e.kind, e.alert.rule) for e in engine.update(_gpu_sample(gpu, 2.0))] == [("cleared", "vram_full")]


def test_idle_gpu_holding_memory_fires_after_the_set_minutes() -> None:
    gpu = SimulatedGpu(default_catalog()["a100-80gb"], 0, start_s=0.0)
    engine = AlertEngine([gpu.info()], AlertSettings(gpu_idle_minutes=10.0))
    gpu.set_load(0.0, vram_bytes=40 * GIB, process_name="jupyter")
    events = _events(engine, [_gpu_sample(gpu, float(t)) for t in range(0, 700, 5)])
    assert [(t, kind, rule) for t, kind, rule in events] == [(600.0, "fired", "gpu_idle_holding_memory")]
    gpu.set_load(0.0)  # the notebook was closed: no process holds memory any more
    assert [e.kind for e in engine.update(_gpu_sample(gpu, 705.0))] == ["cleared"]


def test_swap_alert_needs_a_running_gpu_job() -> None:
    gpu = SimulatedGpu(default_catalog()["rtx4090"], 0, start_s=0.0)
    engine = AlertEngine([gpu.info()], AlertSettings())
    swapping = Sample("memory", 1.0, 1.0, 0, 0, MemoryReading(64 * GIB, GIB, 63 * GIB, 8 * GIB, 2 * GIB))
    assert engine.update(swapping) == []
    gpu.set_load(0.9)
    assert [e.alert.rule for e in engine.update(_gpu_sample(gpu, 2.0))] == ["swap_during_gpu_job"]


def test_nvme_at_its_warning_temperature_fires_and_disabled_rules_stay_quiet() -> None:
    hot = Sample(
        "nvme_temperature", 5.0, 1.0, 0, 0, DriveTemperatureReading((DriveTemperature("nvme0n1", 82.0, 81.85, 84.85),))
    )
    assert [e.alert.message for e in AlertEngine([], AlertSettings()).update(hot)] == [
        "nvme0n1 at 82 °C (warning at 82 °C)"
    ]
    quiet = AlertEngine([], AlertSettings(enabled=("vram_full",)))
    assert quiet.update(hot) == []
