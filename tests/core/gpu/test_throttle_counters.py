"""Per-reason throttle time: NVML's nanosecond counters (fields 74, 269, 270, 271) read through
nvmlDeviceGetFieldValues, None with the reason where unsupported, and the simulated GPU's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from app.core.gpu.catalog import default_catalog
from app.core.gpu.nvml_source import THROTTLE_FIELDS, NvidiaBackend
from app.core.gpu.simulated import SimulatedGpu
from app.core.metric_catalog import lookup

NAMES = ("throttle_sw_power_cap_s", "throttle_sw_thermal_s", "throttle_hw_thermal_s", "throttle_hw_power_brake_s")


@pytest.fixture
def open_backend(fake_nvml: Callable[..., object]) -> Iterator[Callable[..., NvidiaBackend]]:
    opened: list[NvidiaBackend] = []

    def use(scenario: str, old: bool = False) -> NvidiaBackend:
        fake_nvml(scenario, old=old)
        opened.append(NvidiaBackend())
        return opened[-1]

    yield use
    for backend in opened:
        backend.close()


def test_field_ids_are_nvmls_clocks_event_reason_counters() -> None:
    """The ids as nvml.h (nvidia-nvml-dev 13.x) and pynvml number them."""
    import pynvml

    assert THROTTLE_FIELDS == {
        "throttle_sw_power_cap_s": pynvml.NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_POWER_CAP,
        "throttle_sw_thermal_s": pynvml.NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN,
        "throttle_hw_thermal_s": pynvml.NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN,
        "throttle_hw_power_brake_s": pynvml.NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN,
    }
    assert list(THROTTLE_FIELDS.values()) == [74, 269, 270, 271]


def test_nvml_counters_are_read_in_seconds_from_nanoseconds(open_backend: Callable[..., NvidiaBackend]) -> None:
    gpu = open_backend("geforce_rtx4090").read().gpus[0]
    # The scenario's 12500000000, 3250000000, 500000000 and 0 ns.
    assert tuple(getattr(gpu, name) for name in NAMES) == (12.5, 3.25, 0.5, 0.0)
    assert not {name for name, _ in gpu.missing} & set(NAMES)
    metrics = gpu.metrics()
    assert metrics["gpu0.throttle_sw_thermal_s"] == 3.25


def test_unsupported_counters_are_none_with_the_reason(open_backend: Callable[..., NvidiaBackend]) -> None:
    gpu = open_backend("datacenter_a100").read().gpus[0]  # the scenario lists no throttle counters
    assert tuple(getattr(gpu, name) for name in NAMES) == (None, None, None, None)
    missing = dict(gpu.missing)
    assert all(missing[name] == "not supported by this GPU or driver" for name in NAMES)


def test_an_old_driver_without_field_values_says_it_is_too_old(open_backend: Callable[..., NvidiaBackend]) -> None:
    gpu = open_backend("old_driver", old=True).read().gpus[0]
    assert gpu.throttle_hw_thermal_s is None
    assert dict(gpu.missing)["throttle_hw_thermal_s"].startswith("driver too old for ")


def test_simulated_gpu_counts_sw_thermal_and_power_cap_time_under_load() -> None:
    """The degraded RTX 4090 under full load for 20 minutes runs past its 90 °C max operating
    temperature (SW thermal slowdown) and, while cool at first, is held by its power limit."""
    gpu = SimulatedGpu(default_catalog()["rtx4090-degraded"], 0, start_s=0.0)
    gpu.set_load(1.0)
    gpu.advance_to(1200.0)
    reading = gpu.reading()
    assert reading.throttle_sw_power_cap_s == reading.power_violation_s
    assert reading.throttle_sw_power_cap_s is not None and reading.throttle_sw_power_cap_s > 0
    assert reading.throttle_sw_thermal_s is not None and reading.throttle_sw_thermal_s > 0
    assert reading.throttle_sw_thermal_s + (reading.throttle_hw_thermal_s or 0.0) == pytest.approx(
        reading.thermal_violation_s, abs=0.002
    )
    assert reading.throttle_hw_power_brake_s == 0.0


def test_simulated_gpu_above_its_slowdown_threshold_counts_hw_thermal_time() -> None:
    gpu = SimulatedGpu(default_catalog()["rtx4090"], 0, start_s=0.0)
    gpu.set_load(1.0)
    gpu.temperature_c = 97.0  # above the 96 °C slowdown: the hardware halves the clocks
    gpu.advance_to(1.0)  # one second: far too short for a 90 s time constant to cool it below 94 °C
    reading = gpu.reading()
    assert (reading.throttle_hw_thermal_s, reading.throttle_sw_thermal_s) == (1.0, 0.0)
    assert reading.clock_event_reasons is not None and "hw_thermal_slowdown" in reading.clock_event_reasons


def test_throttle_metrics_are_counters_in_seconds_in_the_catalog() -> None:
    for name in NAMES:
        spec = lookup(f"gpu3.{name}")
        assert spec is not None and (spec.unit, spec.kind) == ("s", "counter"), name
