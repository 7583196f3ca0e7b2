"""The safety guard, table-driven: each limit just below and at its threshold, with the reason's words.

Thresholds are the RTX 4090's as NVML reports them (slowdown 96 °C, max operating 90 °C; our
catalog, from NVIDIA's published specifications) and an NVMe drive's CCTEMP of 85 °C (a real
smartctl output in research/stress-and-thermal.md §6: warning/critical 83/85 °C).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.gpu.records import GpuReading, GpuSetReading, NvidiaStatus
from app.core.records import CpuReading, DriveTemperature, DriveTemperatureReading, MemoryReading
from app.stress.guard import GuardLimits, SafetyGuard
from tests.stress.fakes import GIB, gpu_info, inventory, sample_of

OK = NvidiaStatus("ok", None, None, None)


def _gpu_sample(temperature_c: float, margin_c: float | None = None, index: int = 0) -> object:
    info = gpu_info(index)
    reading = replace(GpuReading.unreadable(info, "test"), temperature_c=temperature_c, temp_margin_c=margin_c)
    return sample_of(GpuSetReading(OK, (reading,)), "gpu")


@pytest.mark.parametrize(
    ("temperature_c", "margin_c", "expected"),
    [
        (89.9, None, None),  # below max operating 90 °C
        (90.0, None, "GPU 0 at 90 °C ≥ max operating 90 °C"),
        (93.9, None, "GPU 0 at 93.9 °C ≥ max operating 90 °C"),
        (94.0, None, "GPU 0 at 94 °C ≥ slowdown 96 °C − 2 °C margin"),  # 96 − 2
        (97.0, None, "GPU 0 at 97 °C ≥ slowdown 96 °C − 2 °C margin"),
        (80.0, 1.5, "GPU 0 at 80 °C, 1.5 °C below slowdown (the driver's margin) ≤ 2 °C margin"),
        (80.0, 2.0, "GPU 0 at 80 °C, 2 °C below slowdown (the driver's margin) ≤ 2 °C margin"),  # at the margin
        (80.0, 2.5, None),
    ],
)
def test_gpu_guard_stops_at_slowdown_less_margin_or_max_operating(
    temperature_c: float, margin_c: float | None, expected: str | None
) -> None:
    guard = SafetyGuard(inventory([gpu_info(0)]))
    assert guard.check(_gpu_sample(temperature_c, margin_c)) == expected  # type: ignore[arg-type]


def test_gpu_guard_margin_is_a_setting() -> None:
    info = replace(gpu_info(0), temp_max_operating_c=None)
    guard = SafetyGuard(inventory([info]), GuardLimits(gpu_margin_c=5.0))
    assert guard.check(_gpu_sample(90.9)) is None  # type: ignore[arg-type]
    assert guard.check(_gpu_sample(91.0)) == "GPU 0 at 91 °C ≥ slowdown 96 °C − 5 °C margin"  # type: ignore[arg-type]


def test_gpu_without_thresholds_is_listed_as_not_guarded() -> None:
    guard = SafetyGuard(inventory([gpu_info(0, slowdown_c=None, max_operating_c=None)]))
    assert guard.check(_gpu_sample(120.0)) is None  # type: ignore[arg-type]
    assert any(line.startswith("GPU 0: no slowdown or max operating") for line in guard.inactive())
    assert not any(line.startswith("GPU 0") for line in guard.active())


@pytest.mark.parametrize(
    ("temperature_c", "critical_c", "expected"),
    [
        (84.9, 85.0, None),
        (85.0, 85.0, "NVMe nvme0 at 85 °C ≥ critical 85 °C"),
        (120.0, None, None),  # the drive reports no CCTEMP: nothing to compare with
    ],
)
def test_nvme_guard_stops_at_the_drives_critical_temperature(
    temperature_c: float, critical_c: float | None, expected: str | None
) -> None:
    reading = DriveTemperatureReading((DriveTemperature("nvme0", temperature_c, 83.0, critical_c),))
    assert SafetyGuard(inventory()).check(sample_of(reading)) == expected


@pytest.mark.parametrize(
    ("total_gib", "available_gib", "stops"),
    [
        (64, 6.5, False),  # floor = 10 % of 64 GiB = 6.4 GiB
        (64, 6.3, True),
        (16, 2.1, False),  # 10 % of 16 GiB is 1.6 GiB, so the 2 GiB floor applies
        (16, 1.9, True),
        (16, 2.0, False),  # exactly at the floor is not below it
    ],
)
def test_ram_guard_floor_is_the_larger_of_2_gib_and_10_percent(
    total_gib: int, available_gib: float, stops: bool
) -> None:
    total, available = total_gib * GIB, int(available_gib * GIB)
    reading = MemoryReading(total, available, total - available, 0, 0)
    reason = SafetyGuard(inventory(memory_total_bytes=total)).check(sample_of(reading))
    assert (reason is not None) == stops
    if stops:
        assert reason is not None and reason.startswith(f"available RAM {available_gib:.1f} GiB < floor")


def test_cpu_guard_stops_within_5_c_of_a_known_critical_temperature() -> None:
    guard = SafetyGuard(inventory(), GuardLimits(cpu_critical_c=100.0))
    cool = CpuReading(50.0, (), None, None, 94.9)
    hot = replace(cool, temperature_c=95.0)
    assert guard.check(sample_of(cool)) is None
    assert guard.check(sample_of(hot)) == "CPU at 95 °C ≥ critical 100 °C − 5 °C margin"
    assert not any(line.startswith("CPU") for line in guard.inactive())


def test_cpu_without_a_critical_temperature_is_said_once_not_silently_missing() -> None:
    guard = SafetyGuard(inventory())
    assert guard.check(sample_of(CpuReading(50.0, (), None, None, 110.0))) is None
    assert [line for line in guard.inactive() if line.startswith("CPU")] == [
        "CPU: no critical temperature is known (the OS reports none); its temperature is not guarded"
    ]


def test_active_guards_name_each_limit_with_its_number() -> None:
    guard = SafetyGuard(inventory([gpu_info(0)], memory_total_bytes=64 * GIB))
    assert guard.active() == (
        "GPU 0 below slowdown 96 °C − 2 °C and max operating 90 °C",
        "NVMe drives below their critical temperature (where the drive reports one)",
        "available RAM above 6.4 GiB",
    )


def test_readings_the_guard_does_not_watch_and_missing_values_never_stop_a_test() -> None:
    guard = SafetyGuard(inventory([gpu_info(0)]))
    lost = GpuReading.lost_gpu(gpu_info(0), "fell off the bus")
    assert guard.check(sample_of(GpuSetReading(OK, (lost,)))) is None
    assert guard.check(sample_of(None)) is None
    assert guard.check(sample_of(CpuReading(None, (), None, None, None))) is None
