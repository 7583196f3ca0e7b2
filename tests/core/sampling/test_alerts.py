"""Default alerts fire once when their condition starts and clear once when it ends."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.core.gpu.catalog import default_catalog
from app.core.gpu.records import GpuInfo, GpuProcess, GpuReading, GpuSetReading, NvidiaStatus
from app.core.gpu.simulated import SimulatedGpu
from app.core.records import DriveTemperature, DriveTemperatureReading, MemoryReading
from app.core.sampling.alerts import Alert, AlertEngine, AlertEvent
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


def test_a_temperature_wavering_at_the_near_slowdown_threshold_fires_once() -> None:
    # RTX 4090: slowdown 96 °C, near at 91 °C; once fired the alert holds until below 90 °C
    gpu = SimulatedGpu(default_catalog()["rtx4090"], 0, start_s=0.0)
    engine = AlertEngine([gpu.info()], AlertSettings())
    reading = gpu.reading()

    def at(temperature_c: float, t: float) -> list[tuple[str, str]]:
        sample = Sample("gpu", 1.0, t, 0, 0, GpuSetReading(STATUS, (replace(reading, temperature_c=temperature_c),)))
        return [(e.kind, e.alert.rule) for e in engine.update(sample)]

    assert at(91.0, 1.0) == [("fired", "gpu_near_slowdown")]
    assert at(90.8, 2.0) == [] and at(91.2, 3.0) == [] and at(90.1, 4.0) == []
    assert at(89.9, 5.0) == [("cleared", "gpu_near_slowdown")]
    assert at(90.5, 6.0) == []  # cleared: back to the 91 °C threshold to fire again


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


# Boundaries, with readings written out rather than simulated. The RTX 4090's slowdown is 96 degC
# (catalog), so with the default 5 degC the near-slowdown line is 91.0 degC.
MIB = 2**20
RTX4090 = SimulatedGpu(default_catalog()["rtx4090"], 0, start_s=0.0)
JOB = (GpuProcess(4242, "train.py", "ml", 8 * GIB, "compute"),)


def _reading(**changes: Any) -> GpuReading:
    """A quiet RTX 4090 at 40 degC and 50 % load with 8 of 100 GiB in use, changed as given."""
    base = replace(
        RTX4090.reading(),
        temperature_c=40.0,
        temp_margin_c=None,
        util_percent=50.0,
        vram_used_bytes=8 * GIB,
        vram_total_bytes=100 * GIB,
        clock_event_reasons=(),
        processes=(),
    )
    return replace(base, **changes)


def _fired(engine: AlertEngine, reading: GpuReading, wall_s: float) -> list[Alert]:
    """The alerts that `reading` fires at `wall_s`."""
    events = engine.update(Sample("gpu", 1.0, wall_s, 0, 0, GpuSetReading(STATUS, (reading,))))
    return [e.alert for e in events if e.kind == "fired"]


def _rules(reading: GpuReading, settings: AlertSettings | None = None, info: GpuInfo | None = None) -> list[str]:
    engine = AlertEngine([info or RTX4090.info()], settings or AlertSettings())
    sample = Sample("gpu", 1.0, 100.0, 0, 0, GpuSetReading(STATUS, (reading,)))
    return [e.alert.rule for e in engine.update(sample)]


@pytest.mark.parametrize(("temperature_c", "fires"), [(90.9, False), (91.0, True), (91.1, True), (96.0, True)])
def test_near_slowdown_fires_from_five_degrees_below_the_slowdown_temperature(temperature_c, fires) -> None:
    assert _rules(_reading(temperature_c=temperature_c)) == (["gpu_near_slowdown"] if fires else [])


@pytest.mark.parametrize(("margin_c", "fires"), [(5.1, False), (5.0, True), (4.9, True), (0.0, True)])
def test_near_slowdown_fires_at_a_reported_margin_of_five_degrees_or_less(margin_c, fires) -> None:
    # Data-centre GPUs report the margin to slowdown (NVML temperature threshold "margin") instead.
    reading = _reading(temperature_c=None, temp_margin_c=margin_c)
    assert _rules(reading) == (["gpu_near_slowdown"] if fires else [])


def test_near_slowdown_messages_say_the_temperature_or_the_margin() -> None:
    by_temperature = _fired(AlertEngine([RTX4090.info()], AlertSettings()), _reading(temperature_c=92.4), 0.0)
    margin = _reading(temperature_c=None, temp_margin_c=3.0)
    by_margin = _fired(AlertEngine([RTX4090.info()], AlertSettings()), margin, 0.0)
    assert [(a.severity, a.message) for a in by_temperature] == [("warning", "GPU 0 at 92 °C, slowdown at 96 °C")]
    assert [(a.severity, a.message) for a in by_margin] == [("warning", "GPU 0 is 3 °C from its slowdown limit")]


def test_near_slowdown_follows_the_setting() -> None:
    settings = AlertSettings(gpu_near_slowdown_c=10.0)
    assert _rules(_reading(temperature_c=85.9), settings) == []
    assert _rules(_reading(temperature_c=86.0), settings) == ["gpu_near_slowdown"]
    assert _rules(_reading(temperature_c=None, temp_margin_c=10.0), settings) == ["gpu_near_slowdown"]
    assert _rules(_reading(temperature_c=None, temp_margin_c=10.1), settings) == []


def test_without_a_known_slowdown_temperature_a_hot_gpu_raises_no_near_slowdown() -> None:
    unknown = replace(RTX4090.info(), temp_slowdown_c=None)
    assert _rules(_reading(temperature_c=99.0), info=unknown) == []
    assert _rules(_reading(temperature_c=99.0), info=replace(RTX4090.info(), index=3)) == []


@pytest.mark.parametrize(
    ("used_bytes", "fires"),
    [(95 * GIB - MIB, False), (95 * GIB, True), (95 * GIB + MIB, True), (100 * GIB, True)],
)
def test_vram_full_fires_at_95_percent_used(used_bytes: int, fires: bool) -> None:
    assert _rules(_reading(vram_used_bytes=used_bytes)) == (["vram_full"] if fires else [])


def test_vram_full_message_and_unreadable_vram() -> None:
    engine = AlertEngine([RTX4090.info()], AlertSettings())
    alerts = _fired(engine, _reading(vram_used_bytes=97 * GIB), 0.0)
    assert [(a.rule, a.severity, a.message) for a in alerts] == [("vram_full", "warning", "GPU 0 VRAM 97 % used")]
    assert _rules(_reading(vram_used_bytes=None)) == []
    assert _rules(_reading(vram_used_bytes=0, vram_total_bytes=0)) == []
    assert _rules(_reading(vram_total_bytes=None)) == []


@pytest.mark.parametrize(
    ("reasons", "fires"),
    [
        (("hw_thermal_slowdown",), True),
        (("sw_thermal_slowdown",), True),
        (("hw_slowdown",), True),
        (("hw_power_brake",), True),
        (("sw_power_cap", "gpu_idle", "sync_boost", "applications_clocks_setting", "display_clock_setting"), False),
        (("unknown_0x400",), False),
    ],
)
def test_slowdown_fires_for_the_reasons_dcgm_counts_as_faults(reasons: tuple[str, ...], fires: bool) -> None:
    assert _rules(_reading(clock_event_reasons=reasons)) == (["gpu_slowdown"] if fires else [])


def test_slowdown_message_names_every_fault_reason() -> None:
    engine = AlertEngine([RTX4090.info()], AlertSettings())
    reasons = ("sw_power_cap", "sw_thermal_slowdown", "hw_thermal_slowdown")
    alerts = _fired(engine, _reading(clock_event_reasons=reasons), 0.0)
    assert [(a.severity, a.message) for a in alerts] == [
        ("critical", "GPU 0 clocks cut: sw_thermal_slowdown, hw_thermal_slowdown")
    ]


def test_a_lost_gpu_raises_only_the_lost_alert() -> None:
    engine = AlertEngine([RTX4090.info()], AlertSettings())
    lost = _reading(lost=True, temperature_c=99.0, vram_used_bytes=100 * GIB)
    assert [(a.rule, a.subject, a.severity, a.message) for a in _fired(engine, lost, 0.0)] == [
        ("gpu_lost", "gpu0", "critical", "GPU 0 is lost (fell off the bus); reboot needed")
    ]


def _idle_events(util_percent: float | None, seconds: list[float], processes=JOB) -> list[tuple[float, str]]:
    engine = AlertEngine([RTX4090.info()], AlertSettings(gpu_idle_minutes=10.0))
    reading = _reading(util_percent=util_percent, processes=processes)
    samples = [Sample("gpu", 1.0, t, 0, 0, GpuSetReading(STATUS, (reading,))) for t in seconds]
    return [(e.wall_s, e.kind) for s in samples for e in engine.update(s)]


@pytest.mark.parametrize(("util_percent", "idle"), [(0.0, True), (5.0, True), (5.1, False), (None, False)])
def test_idle_means_five_percent_or_less(util_percent: float | None, idle: bool) -> None:
    assert _idle_events(util_percent, [0.0, 600.0]) == ([(600.0, "fired")] if idle else [])


def test_idle_alert_fires_at_exactly_the_set_minutes_with_its_message() -> None:
    assert _idle_events(0.0, [0.0, 599.0, 599.9]) == []
    assert _idle_events(0.0, [0.0, 599.0, 600.0]) == [(600.0, "fired")]
    assert _idle_events(0.0, [0.0, 600.0], processes=()) == []
    engine = AlertEngine([RTX4090.info()], AlertSettings(gpu_idle_minutes=10.0))
    _fired(engine, _reading(util_percent=1.0, processes=JOB * 2), 1000.0)
    alerts = _fired(engine, _reading(util_percent=1.0, processes=JOB * 2), 1000.0 + 12.4 * 60)
    assert [(a.rule, a.severity, a.message) for a in alerts] == [
        ("gpu_idle_holding_memory", "warning", "GPU 0 idle for 12 min while 2 process(es) hold its memory")
    ]


def test_work_in_between_restarts_the_idle_count() -> None:
    engine = AlertEngine([RTX4090.info()], AlertSettings(gpu_idle_minutes=10.0))
    _fired(engine, _reading(util_percent=0.0, processes=JOB), 0.0)
    _fired(engine, _reading(util_percent=80.0, processes=JOB), 300.0)
    _fired(engine, _reading(util_percent=0.0, processes=JOB), 301.0)
    assert _fired(engine, _reading(util_percent=0.0, processes=JOB), 900.0) == []
    assert [a.rule for a in _fired(engine, _reading(util_percent=0.0, processes=JOB), 901.0)] == [
        "gpu_idle_holding_memory"
    ]


def _swap_rules(swap_used_bytes: int, gpu_util_percent: float) -> list[str]:
    engine = AlertEngine([RTX4090.info()], AlertSettings())
    engine.update(Sample("memory", 1.0, 1.0, 0, 0, MemoryReading(64 * GIB, GIB, 63 * GIB, 8 * GIB, swap_used_bytes)))
    gpu = Sample("gpu", 1.0, 2.0, 0, 0, GpuSetReading(STATUS, (_reading(util_percent=gpu_util_percent),)))
    return [e.alert.rule for e in engine.update(gpu)]


@pytest.mark.parametrize(
    ("swap_used_bytes", "util_percent", "fires"),
    [
        (256 * MIB - 1, 50.0, False),
        (256 * MIB, 50.0, True),
        (256 * MIB + 1, 50.0, True),
        (GIB, 10.0, True),  # a GPU job: 10 % busy or more
        (GIB, 9.9, False),
    ],
)
def test_swap_alert_fires_from_256_mib_while_a_gpu_is_ten_percent_busy(swap_used_bytes, util_percent, fires) -> None:
    assert _swap_rules(swap_used_bytes, util_percent) == (["swap_during_gpu_job"] if fires else [])


def test_swap_alert_message_and_clearing_when_swap_is_freed() -> None:
    engine = AlertEngine([RTX4090.info()], AlertSettings())
    engine.update(Sample("gpu", 1.0, 1.0, 0, 0, GpuSetReading(STATUS, (_reading(util_percent=90.0),))))
    swapping = MemoryReading(64 * GIB, GIB, 63 * GIB, 8 * GIB, 3 * GIB // 2)
    fired = engine.update(Sample("memory", 1.0, 2.0, 0, 0, swapping))
    assert [(e.kind, e.alert.subject, e.alert.severity, e.alert.message) for e in fired] == [
        ("fired", "host", "warning", "1.5 GiB of swap in use while a GPU job runs")
    ]
    freed = engine.update(Sample("memory", 1.0, 3.0, 0, 0, replace(swapping, swap_used_bytes=0)))
    assert [(e.kind, e.alert.rule, e.wall_s) for e in freed] == [("cleared", "swap_during_gpu_job", 3.0)]


def test_swap_alert_clears_when_the_gpu_job_ends() -> None:
    engine = AlertEngine([RTX4090.info()], AlertSettings())
    engine.update(Sample("memory", 1.0, 1.0, 0, 0, MemoryReading(64 * GIB, GIB, 63 * GIB, 8 * GIB, GIB)))
    busy, idle = _reading(util_percent=90.0), _reading(util_percent=0.0)
    engine.update(Sample("gpu", 1.0, 2.0, 0, 0, GpuSetReading(STATUS, (busy,))))
    events = engine.update(Sample("gpu", 1.0, 3.0, 0, 0, GpuSetReading(STATUS, (idle,))))
    assert [(e.kind, e.alert.rule) for e in events] == [("cleared", "swap_during_gpu_job")]
    assert not engine.active


@pytest.mark.parametrize(
    ("temperature_c", "warning_c", "fires"),
    [(81.8, 81.85, False), (81.85, 81.85, True), (81.9, 81.85, True), (90.0, None, False), (None, 81.85, False)],
)
def test_nvme_hot_fires_at_the_drives_own_warning_temperature(temperature_c, warning_c, fires) -> None:
    reading = DriveTemperatureReading((DriveTemperature("nvme0n1", temperature_c, warning_c, 84.85),))
    events = AlertEngine([], AlertSettings()).update(Sample("nvme_temperature", 5.0, 1.0, 0, 0, reading))
    assert [(e.alert.rule, e.alert.subject, e.alert.severity) for e in events] == (
        [("nvme_hot", "nvme0n1", "warning")] if fires else []
    )


def test_nvme_hot_clears_when_the_drive_cools_and_leaves_gpu_alerts_alone() -> None:
    engine = AlertEngine([RTX4090.info()], AlertSettings())
    engine.update(Sample("gpu", 1.0, 1.0, 0, 0, GpuSetReading(STATUS, (_reading(temperature_c=93.0),))))
    hot = DriveTemperatureReading((DriveTemperature("nvme0n1", 83.0, 81.85, 84.85),))
    engine.update(Sample("nvme_temperature", 5.0, 2.0, 0, 0, hot))
    cool = DriveTemperatureReading((DriveTemperature("nvme0n1", 60.0, 81.85, 84.85),))
    events = engine.update(Sample("nvme_temperature", 5.0, 7.0, 0, 0, cool))
    assert [(e.kind, e.alert.rule, e.alert.subject) for e in events] == [("cleared", "nvme_hot", "nvme0n1")]
    assert list(engine.active) == [("gpu_near_slowdown", "gpu0")]


def test_gpu_alerts_fire_once_and_clear_once_per_gpu() -> None:
    second = replace(RTX4090.info(), index=1)
    engine = AlertEngine([RTX4090.info(), second], AlertSettings())

    def tick(t: float, hot0: float, hot1: float) -> list[tuple[str, str]]:
        gpus = (_reading(temperature_c=hot0), _reading(index=1, temperature_c=hot1))
        return [
            (e.kind, e.alert.subject) for e in engine.update(Sample("gpu", 1.0, t, 0, 0, GpuSetReading(STATUS, gpus)))
        ]

    assert tick(1.0, 93.0, 40.0) == [("fired", "gpu0")]
    assert tick(2.0, 93.0, 40.0) == []
    assert tick(3.0, 93.0, 94.0) == [("fired", "gpu1")]
    assert tick(4.0, 40.0, 94.0) == [("cleared", "gpu0")]
    assert engine.active.keys() == {("gpu_near_slowdown", "gpu1")}


def test_other_readings_change_no_alert() -> None:
    engine = AlertEngine([RTX4090.info()], AlertSettings())
    assert engine.update(Sample("cpu", 1.0, 1.0, 0, 0, None)) == []


def test_an_alert_event_is_kept_as_a_session_event() -> None:
    alert = Alert("nvme_hot", "nvme0n1", "warning", "nvme0n1 at 83 °C (warning at 82 °C)")
    assert alert.key == ("nvme_hot", "nvme0n1")
    assert AlertEvent("cleared", alert, 12.5).as_session_event() == (
        12.5,
        "alert_cleared",
        "nvme0n1 at 83 °C (warning at 82 °C)",
    )
