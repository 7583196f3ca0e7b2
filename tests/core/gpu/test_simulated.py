"""The simulated GPU: its temperature follows its true parameters, it throttles where a card would,
and the degraded variant runs hotter and throttles sooner."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.clock import ScaledClock
from app.core.errors import UserError
from app.core.gpu.catalog import GpuProfile, default_catalog, load_catalog, parse_demo_profiles
from app.core.gpu.simulated import SimulatedGpu, seconds_to_fraction, steady_state_power_w
from app.core.gpu.simulated_backend import SimulatedBackend


def _profile(key: str) -> GpuProfile:
    return default_catalog()[key]


def _run(gpu: SimulatedGpu, seconds: float, step: float = 1.0) -> list[tuple[float, float, tuple[str, ...]]]:
    """Advance `seconds` beyond where the GPU is now; (time, temperature, reasons) after each step."""
    trace = []
    t, end = gpu.now_s, gpu.now_s + seconds
    while t < end - 1e-9:
        t += step
        gpu.advance_to(t)
        trace.append((t, gpu.temperature_c, gpu.reasons))
    return trace


@pytest.mark.parametrize("key", ["rtx4090", "rtx3090", "a100-80gb"])
@pytest.mark.parametrize("load", [0.3, 1.0])
def test_steady_temperature_follows_the_thermal_parameters(key: str, load: float) -> None:
    profile = _profile(key)
    gpu = SimulatedGpu(profile, 0, start_s=0.0)
    gpu.set_load(load)
    _run(gpu, 12 * profile.thermal.time_constant_s)
    expected_power = steady_state_power_w(profile, load)
    assert gpu.power_w == pytest.approx(expected_power, rel=1e-3)
    assert gpu.temperature_c == pytest.approx(profile.thermal.steady_temperature_c(expected_power), abs=0.05)


def test_time_constant_follows_the_parameters() -> None:
    """With the fan held (no fan feedback) the model is exactly first order: 63.2 % of the step at tau."""
    base = _profile("rtx3090")
    thermal = replace(base.thermal, fan_penalty=0.0, time_constant_s=40.0)
    gpu = SimulatedGpu(replace(base, thermal=thermal), 0, start_s=0.0)
    start = gpu.temperature_c
    gpu.set_load(0.5)
    final = thermal.steady_temperature_c(steady_state_power_w(base, 0.5))
    trace = _run(gpu, 400, step=0.1)
    reached = next(t for t, temp, _ in trace if temp >= start + 0.632 * (final - start))
    assert reached == pytest.approx(seconds_to_fraction(40.0, 0.632), abs=0.15)


def test_power_limit_caps_power_and_lowers_clocks() -> None:
    profile = _profile("rtx4090")
    gpu = SimulatedGpu(profile, 0, start_s=0.0)
    gpu.set_load(1.0)
    _run(gpu, 30)
    assert gpu.power_w == pytest.approx(profile.spec.power_default_w, rel=1e-6)
    assert "sw_power_cap" in gpu.reasons
    assert gpu.sm_clock_mhz() < profile.spec.boost_clock_mhz
    gpu.set_load(0.5)
    _run(gpu, 5)
    assert "sw_power_cap" not in gpu.reasons and gpu.sm_clock_mhz() == profile.spec.boost_clock_mhz


def test_hardware_slowdown_starts_at_the_slowdown_threshold_and_halves_clocks() -> None:
    hot = _profile("rtx4090-degraded")
    # Clogged fins in a 55 degC case (a failed case fan): the driver's own slowdown cannot hold it.
    hot = replace(hot, thermal=replace(hot.thermal, ambient_c=55.0))
    gpu = SimulatedGpu(hot, 0, start_s=0.0)
    gpu.set_load(1.0)
    trace = _run(gpu, 1200, step=0.25)
    first_hw = next(i for i, (_, _, reasons) in enumerate(trace) if "hw_thermal_slowdown" in reasons)
    temp_before = trace[first_hw - 1][1]
    assert temp_before >= hot.spec.temp_slowdown_c - 0.5, "no hardware slowdown below the threshold"
    assert all("hw_thermal_slowdown" not in r for _, t, r in trace[:first_hw])
    assert max(t for _, t, _ in trace) < hot.spec.temp_slowdown_c + 1.0, "throttling holds the temperature"
    gpu.advance_to(1200.25)
    if "hw_thermal_slowdown" in gpu.reasons:
        assert gpu.sm_clock_mhz() == pytest.approx(hot.spec.boost_clock_mhz * 0.5)


def test_software_thermal_slowdown_starts_above_max_operating_temperature() -> None:
    gpu = SimulatedGpu(_profile("rtx4090-degraded"), 0, start_s=0.0)
    gpu.set_load(1.0)
    trace = _run(gpu, 900, step=0.25)
    first = next(i for i, (_, _, r) in enumerate(trace) if "sw_thermal_slowdown" in r)
    assert trace[first - 1][1] >= gpu.profile.spec.temp_max_operating_c - 0.2


def test_degraded_variant_runs_hotter_and_throttles_sooner() -> None:
    results = {}
    for key in ("rtx4090", "rtx4090-degraded"):
        gpu = SimulatedGpu(_profile(key), 0, start_s=0.0)
        gpu.set_load(1.0)
        trace = _run(gpu, 1800)
        thermal = [t for t, _, r in trace if any("thermal" in x for x in r)]
        results[key] = (max(temp for _, temp, _ in trace), thermal[0] if thermal else float("inf"), gpu.sm_clock_mhz())
    healthy, degraded = results["rtx4090"], results["rtx4090-degraded"]
    assert degraded[0] > healthy[0] + 10
    assert degraded[1] < healthy[1]
    assert degraded[2] < healthy[2], "a throttled card runs slower clocks"


def test_same_seed_gives_the_same_readings() -> None:
    def readings(seed: int) -> list[tuple[float | None, float | None]]:
        gpu = SimulatedGpu(_profile("rtx3090"), 0, start_s=0.0, seed=seed)
        gpu.set_load(0.7)
        out = []
        for t in range(1, 30):
            gpu.advance_to(float(t))
            reading = gpu.reading()
            out.append((reading.temperature_c, reading.power_w))
        return out

    assert readings(3) == readings(3)
    assert readings(3) != readings(4)


def test_simulated_gpus_are_labelled_simulated_everywhere() -> None:
    backend = SimulatedBackend(parse_demo_profiles(None), ScaledClock(1.0))
    assert backend.status().simulated and backend.status().status.startswith("SIMULATED")
    for info in backend.inventory():
        assert info.simulated and "[SIMULATED]" in (info.name or "")
    for gpu in backend.read().gpus:
        assert gpu.simulated and "[SIMULATED]" in (gpu.name or "")
    assert [i.name for i in backend.inventory()] == [
        "NVIDIA GeForce RTX 4090 [SIMULATED]",
        "NVIDIA GeForce RTX 3090 [SIMULATED]",
    ]


def test_the_backend_runs_on_the_engine_clock() -> None:
    backend = SimulatedBackend(parse_demo_profiles("rtx4090"), ScaledClock(200.0))
    time.sleep(0.6)  # two simulated minutes of the demo's training load
    gpu = backend.read().gpus[0]
    assert gpu.util_percent is not None and gpu.util_percent > 90
    assert gpu.temperature_c is not None and gpu.temperature_c > 50
    assert gpu.processes and "[SIMULATED]" in (gpu.processes[0].name or "")


def test_demo_lists_catalog_profiles_and_rejects_unknown_ones() -> None:
    assert [p.key for p in parse_demo_profiles("a100-80gb,rtx4090-degraded")] == ["a100-80gb", "rtx4090-degraded"]
    with pytest.raises(UserError, match="unknown demo GPU rtx9999"):
        parse_demo_profiles("rtx9999")


def test_catalog_entries_carry_sources_and_required_profiles() -> None:
    doc = json.loads((Path(__file__).parents[3] / "resources" / "gpu_catalog.json").read_text())
    assert {"rtx4090", "rtx3090", "a100-80gb"} <= set(doc["gpus"])
    assert all(entry["sources"] for entry in doc["gpus"].values())
    assert {"rtx4090-degraded", "rtx3090-degraded"} <= set(default_catalog())


def test_a_broken_catalog_is_a_one_line_error(tmp_path: Path) -> None:
    broken = tmp_path / "catalog.json"
    broken.write_text('{"gpus": {"x": {"spec": {"name": "X"}}}}')
    with pytest.raises(UserError) as caught:
        load_catalog(broken)
    assert "\n" not in str(caught.value) and "catalog.json" in str(caught.value)
