"""The simulated GPU workload: it loads the simulated card, and its TFLOPS follow the card's clocks."""

from __future__ import annotations

import time

import pytest

from app.core.errors import UserError
from app.core.gpu.catalog import default_catalog
from app.core.gpu.simulated_backend import SimulatedBackend
from app.stress.simulated_load import SimulatedGpuWorkload

# RTX 4090 FP32 peak at its 2520 MHz boost clock: 82.6 TFLOPS (NVIDIA Ada Lovelace architecture
# whitepaper, appendix table: "Peak FP32 TFLOPS (non-Tensor) 82.6").
RTX4090_PEAK_TFLOPS = 82.6


class ManualClock:
    """A clock a test moves by hand."""

    def __init__(self) -> None:
        self.now_s = 1000.0

    def monotonic(self) -> float:
        return self.now_s

    def to_wall(self, monotonic_s: float) -> float:
        return monotonic_s + 1.7e9

    def to_real_s(self, clock_s: float) -> float:
        return clock_s

    def advance(self, seconds: float) -> None:
        self.now_s += seconds


def _backend(profile: str = "rtx4090") -> tuple[SimulatedBackend, ManualClock]:
    clock = ManualClock()
    return SimulatedBackend([default_catalog()[profile]], clock, demo_workload=False), clock


def _run_for(workload: SimulatedGpuWorkload, clock: ManualClock, seconds: float, step_s: float = 5.0) -> None:
    for _ in range(round(seconds / step_s)):
        clock.advance(step_s)
        workload.poll()


def test_start_loads_the_simulated_card_and_stop_releases_it() -> None:
    backend, clock = _backend()
    workload = SimulatedGpuWorkload(backend, 0, "gpu", peak_tflops=RTX4090_PEAK_TFLOPS)
    workload.start()
    clock.advance(5.0)
    loaded = backend.read().gpus[0]
    assert loaded.util_percent is not None and loaded.util_percent > 97.0
    assert [p.name for p in loaded.processes] == ["aiwm stress gpu [SIMULATED] [SIMULATED]"]
    workload.stop()
    clock.advance(5.0)
    idle = backend.read().gpus[0]
    assert idle.util_percent is not None and idle.util_percent < 5.0
    assert idle.processes == ()


def test_tflops_follow_the_power_capped_sm_clock() -> None:
    """The RTX 4090 model asks 490 W at full load against a 450 W limit (idle 22 W), so its clock
    settles at ((450 − 22) / (490 − 22)) ** (1 / 2.5) = 0.9649 of boost: 96.5 % of peak."""
    backend, clock = _backend()
    workload = SimulatedGpuWorkload(backend, 0, "gpu", peak_tflops=RTX4090_PEAK_TFLOPS)
    workload.start()
    _run_for(workload, clock, 20.0)
    metrics = workload.stop().metrics
    assert metrics["peak_tflops"] == RTX4090_PEAK_TFLOPS
    assert metrics["percent_of_peak"] == pytest.approx(96.49, abs=0.1)
    assert metrics["tflops"] == pytest.approx(82.6 * 0.9649, abs=0.1)


def test_thermal_throttling_on_a_degraded_card_shows_as_lost_tflops() -> None:
    results = {}
    for profile in ("rtx4090", "rtx4090-degraded"):
        backend, clock = _backend(profile)
        workload = SimulatedGpuWorkload(backend, 0, "gpu", peak_tflops=RTX4090_PEAK_TFLOPS)
        workload.start()
        _run_for(workload, clock, 1200.0, step_s=10.0)
        reasons = backend.read().gpus[0].clock_event_reasons or ()
        results[profile] = (workload.stop().metrics["percent_of_peak"], reasons)
    healthy, degraded = results["rtx4090"], results["rtx4090-degraded"]
    assert healthy[0] == pytest.approx(96.49, abs=0.1)  # never throttled by heat
    assert degraded[0] is not None and degraded[0] < healthy[0] - 5.0
    assert {"sw_thermal_slowdown", "hw_thermal_slowdown"} & set(degraded[1])


def test_peak_comes_from_the_catalog_by_the_cards_name_and_unknown_peak_is_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.stress import simulated_load

    backend, clock = _backend()
    known = SimulatedGpuWorkload(backend, 0, "gpu")
    assert known.peak_tflops == 82.6  # RTX 4090: 128 SMs x 128 lanes x 2 x 2.52 GHz (resources/gpu_catalog.json)
    monkeypatch.setattr(simulated_load, "peak_tflops", lambda _name, _kind="fp32": None)
    unknown = SimulatedGpuWorkload(backend, 0, "gpu")
    unknown.start()
    _run_for(unknown, clock, 10.0)
    status = unknown.stop()
    assert status.metrics == {"tflops": None, "peak_tflops": None, "percent_of_peak": None}
    assert "peak_unknown" in status.details


# An RTX 4090 as NVML reports it: 24564 MiB = 25 757 220 864 bytes. The real VRAM test keeps back
# 10 % of the card (2 575 722 086 bytes, more than 512 MiB) and tests a multiple of 4 bytes:
# 25 757 220 864 − 2 575 722 086 = 23 181 498 778 → 23 181 498 776.
RTX4090_VRAM_TESTED_BYTES = 23_181_498_776


def test_vram_test_holds_the_card_less_the_real_tests_margin() -> None:
    backend, clock = _backend()
    workload = SimulatedGpuWorkload(backend, 0, "vram")
    workload.start()
    clock.advance(1.0)
    assert backend.read().gpus[0].vram_used_bytes == RTX4090_VRAM_TESTED_BYTES
    workload.stop()


def test_vram_bytes_tested_is_the_memory_covered_and_passes_count_whole_passes() -> None:
    """At the simulated 100 GB/s: 0.1 s covers 10 GB of the card (no pass complete); 11 s check
    1.1 TB = 47.45 passes over 23 181 498 776 bytes, so 47 passes and the whole card covered."""
    backend, clock = _backend()
    workload = SimulatedGpuWorkload(backend, 0, "vram")
    workload.start()
    clock.advance(0.1)
    early = workload.poll()
    assert early.metrics == {"bytes_tested": 10_000_000_000, "passes": 0}
    assert early.iterations == 0  # not one full pass yet: a verdict would be inconclusive
    clock.advance(10.9)
    later = workload.poll()
    assert later.metrics == {"bytes_tested": RTX4090_VRAM_TESTED_BYTES, "passes": 47}
    assert isinstance(later.metrics["bytes_tested"], int) and later.iterations == 47
    workload.stop()


def test_a_vram_size_is_honoured_and_one_above_the_safe_share_is_refused_in_one_line() -> None:
    backend, clock = _backend()
    asked = SimulatedGpuWorkload(backend, 0, "vram", size_bytes=8 * 2**30)
    asked.start()
    clock.advance(1.0)
    assert backend.read().gpus[0].vram_used_bytes == 8 * 2**30
    assert asked.poll().metrics["bytes_tested"] == 8 * 2**30
    asked.stop()
    with pytest.raises(UserError, match=r"^--size 100000000000: SIMULATED GPU 0: asked to test 95367 MiB of VRAM but"):
        SimulatedGpuWorkload(backend, 0, "vram", size_bytes=100_000_000_000)


def test_injected_corruption_makes_errors_after_its_time_only() -> None:
    backend, clock = _backend()
    workload = SimulatedGpuWorkload(backend, 0, "gpu", corrupt_after_s=30.0)
    workload.start()
    _run_for(workload, clock, 25.0)
    assert workload.poll().errors == 0
    _run_for(workload, clock, 10.0)
    status = workload.stop()
    assert status.errors > 0
    assert status.details["first_error_at_s"] == 30.0
    assert "SIMULATED" in str(status.details["injected_fault"])


def test_injected_failure_is_reported_as_the_workloads_failure() -> None:
    backend, clock = _backend()
    workload = SimulatedGpuWorkload(backend, 0, "gpu", fail_after_s=5.0)
    workload.start()
    clock.advance(6.0)
    status = workload.poll()
    assert status.failure == "SIMULATED worker failure injected after 5 s"
    assert not status.running


def test_stop_is_safe_twice_and_before_start_and_everything_says_simulated() -> None:
    backend, clock = _backend()
    workload = SimulatedGpuWorkload(backend, 0, "gpu")
    first = workload.stop()
    assert not first.running
    workload.start()
    clock.advance(2.0)
    assert workload.stop() == workload.stop()
    assert workload.simulated
    assert "SIMULATED" in str(workload.stop().details["workload"])


def test_only_gpu_kinds_run_on_a_simulated_gpu() -> None:
    backend, _ = _backend()
    with pytest.raises(ValueError, match="gpu or vram"):
        SimulatedGpuWorkload(backend, 0, "cpu")


def test_on_a_scaled_clock_a_minute_of_load_takes_under_a_second() -> None:
    from app.core.clock import ScaledClock

    backend = SimulatedBackend([default_catalog()["rtx4090"]], ScaledClock(200.0), demo_workload=False)
    workload = SimulatedGpuWorkload(backend, 0, "gpu", peak_tflops=RTX4090_PEAK_TFLOPS)
    workload.start()
    time.sleep(0.3)  # 60 simulated seconds
    metrics = workload.stop().metrics
    assert metrics["percent_of_peak"] == pytest.approx(96.49, abs=0.2)
