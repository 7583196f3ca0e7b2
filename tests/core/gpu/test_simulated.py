"""The simulated GPU: its temperature follows its true parameters, it throttles where a card would,
and the degraded variant runs hotter and throttles sooner."""

from __future__ import annotations

import json
import math
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from app.core.clock import ScaledClock
from app.core.errors import UserError
from app.core.gpu.catalog import GpuProfile, default_catalog, load_catalog, parse_demo_profiles
from app.core.gpu.simulated import SimulatedGpu, seconds_to_fraction, steady_state_power_w, sw_thermal_ceiling
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


# Steady states worked out by hand from the catalog's model values (resources/gpu_catalog.json).
# RTX 4090: ambient 25 degC, R = 0.105 degC/W at full fan, fan penalty 0.7, fan 30 % below 45 degC
# rising linearly to 100 % at 88 degC, idle 22 W, full load 490 W, limit 450 W. In the fan's linear
# range R(T) = 0.105 * (1 + 0.7 * (0.7 - 0.7 * (T - 45) / 43)) = 0.105 * (1.49 - 0.49 * (T - 45) / 43).
# * load 0.3: P = 22 + 0.3 * 468 = 162.4 W; T = 25 + 162.4 R(T); with x = T - 45:
#   x + 45 = 50.40748 - 0.1943135 x  ->  x = 5.40748 / 1.1943135 = 4.52769  ->  T = 49.5277
# * load 1.0: 490 W asked, capped at 450 W; x + 45 = 95.4025 - 0.5384302 x  ->  x = 32.7623  ->  T = 77.7623
# A100 80GB: passive (R = 0.11 degC/W, no fan term), ambient 30 degC, idle 55 W, full 420 W, limit 400 W.
# * load 0.3: P = 55 + 0.3 * 365 = 164.5 W, T = 30 + 164.5 * 0.11 = 48.095
# * load 1.0: 420 W asked, capped at 400 W, T = 30 + 400 * 0.11 = 74.0
@pytest.mark.parametrize(
    ("key", "load", "power_w", "temperature_c"),
    [
        ("rtx4090", 0.3, 162.4, 49.5277),
        ("rtx4090", 1.0, 450.0, 77.7623),
        ("a100-80gb", 0.3, 164.5, 48.095),
        ("a100-80gb", 1.0, 400.0, 74.0),
    ],
)
def test_steady_power_and_temperature_match_the_hand_worked_values(key, load, power_w, temperature_c) -> None:
    gpu = SimulatedGpu(_profile(key), 0, start_s=0.0)
    gpu.set_load(load)
    gpu.advance_to(1500.0)  # more than 16 time constants: settled
    assert gpu.power_w == pytest.approx(power_w, abs=1e-6)
    assert gpu.temperature_c == pytest.approx(temperature_c, abs=1e-3)
    assert steady_state_power_w(gpu.profile, load) == pytest.approx(power_w, abs=1e-9)
    assert gpu.profile.thermal.steady_temperature_c(power_w) == pytest.approx(temperature_c, abs=1e-3)


def test_an_idle_gpu_starts_at_its_idle_equilibrium() -> None:
    # RTX 4090 idle: fan at its 30 % minimum, R = 0.105 * (1 + 0.7 * 0.7) = 0.15645 degC/W,
    # T = 25 + 22 W * 0.15645 = 28.4419 degC.
    gpu = SimulatedGpu(_profile("rtx4090"), 0, start_s=0.0)
    assert gpu.temperature_c == pytest.approx(28.4419, abs=1e-9)
    assert gpu.power_w == 22.0 and gpu.reasons == ("gpu_idle",)


@pytest.mark.parametrize(
    ("temperature_c", "fan_percent", "resistance_c_per_w"),
    [
        (20.0, 30.0, 0.15645),  # below the curve: minimum duty, 0.105 * (1 + 0.7 * 0.7)
        (45.0, 30.0, 0.15645),
        (66.5, 65.0, 0.130725),  # half way: 30 + 70 / 2; 0.105 * (1 + 0.7 * 0.35)
        (88.0, 100.0, 0.105),
        (95.0, 100.0, 0.105),
    ],
)
def test_rtx4090_fan_curve_and_cooler_resistance(temperature_c, fan_percent, resistance_c_per_w) -> None:
    thermal = _profile("rtx4090").thermal
    assert thermal.fan_percent(temperature_c) == pytest.approx(fan_percent, abs=1e-9)
    assert thermal.resistance(thermal.fan_percent(temperature_c)) == pytest.approx(resistance_c_per_w, abs=1e-9)


def test_a_weak_fan_stops_at_its_maximum_duty() -> None:
    thermal = _profile("rtx4090-degraded").thermal  # fan_max_percent 55
    assert thermal.fan_percent(88.0) == 55.0
    assert thermal.fan_percent(60.0) == pytest.approx(30 + 15 / 43 * 70, abs=1e-9)  # 54.42, below the cap


def test_temperature_rises_as_a_first_order_system() -> None:
    """With the fan term off the model is exactly first order: T(t) = Tf + (T0 - Tf) exp(-t / tau)."""
    # RTX 3090 with R fixed at 0.13 degC/W and tau 40 s: T0 = 25 + 28 W * 0.13 = 28.64 degC;
    # load 0.5 draws 28 + 0.5 * 342 = 199 W, so Tf = 25 + 199 * 0.13 = 50.87 degC.
    # t = 40 s: 50.87 - 22.23 * e^-1 = 42.6920; t = 80 s: 50.87 - 22.23 * e^-2 = 47.8615.
    base = _profile("rtx3090")
    gpu = SimulatedGpu(replace(base, thermal=replace(base.thermal, fan_penalty=0.0, time_constant_s=40.0)), 0, 0.0)
    assert gpu.temperature_c == pytest.approx(28.64, abs=1e-9)
    gpu.set_load(0.5)
    gpu.advance_to(40.0)
    assert gpu.temperature_c == pytest.approx(42.6920, abs=1e-3)
    gpu.advance_to(80.0)
    assert gpu.temperature_c == pytest.approx(47.8615, abs=1e-3)
    assert seconds_to_fraction(40.0, 1 - math.exp(-1)) == pytest.approx(40.0)
    assert seconds_to_fraction(40.0, 0.5) == pytest.approx(27.7259, abs=1e-4)  # 40 ln 2


def _held_at(temperature_c: float, load: float = 1.0, key: str = "rtx4090") -> SimulatedGpu:
    """A GPU put at `temperature_c` and advanced by a millisecond, so its limits act on that temperature."""
    gpu = SimulatedGpu(_profile(key), 0, start_s=0.0)
    gpu.set_load(load)
    gpu.temperature_c = temperature_c
    gpu.advance_to(0.001)
    return gpu


@pytest.mark.parametrize(
    ("temperature_c", "reason", "sm_clock_mhz"),
    [
        # Load 0.5 asks 22 + 234 = 256 W, under the 450 W limit, so only heat limits the clock.
        # nvml.h: SW thermal slowdown keeps the GPU at its max operating temperature (90 degC). The
        # driver gives up boost from GPU Boost's 84 degC target: 2520 MHz (boost) there, 2235 MHz
        # (base) at 90 degC, 1764 MHz (70 % of boost) at the 96 degC slowdown, linear between.
        (83.9, None, 2520),  # below the target temperature
        (88.5, "sw_thermal_slowdown", 2306),  # 2520 - 285 * 4.5 / 6 = 2306.25
        (90.0, "sw_thermal_slowdown", 2235),  # the base clock at the max operating temperature
        (92.0, "sw_thermal_slowdown", 2078),  # 2235 - 471 * 2 / 6 = 2078
        (95.9, "sw_thermal_slowdown", 1772),  # 2235 - 471 * 5.9 / 6 = 1771.85
        (96.0, "hw_thermal_slowdown", 1260),  # at the slowdown temperature the hardware halves the clock
        (101.0, "hw_thermal_slowdown", 1260),
    ],
)
def test_rtx4090_thermal_slowdown_steps(temperature_c, reason, sm_clock_mhz) -> None:
    gpu = _held_at(temperature_c, load=0.5)
    thermal = [r for r in gpu.reasons if "thermal" in r]
    assert thermal == ([reason] if reason else [])
    assert gpu.reading().sm_clock_mhz == sm_clock_mhz


def test_hardware_slowdown_holds_until_two_degrees_below_the_threshold() -> None:
    gpu = _held_at(96.0, load=0.5)
    for temperature_c, held in [(95.0, True), (94.0, True), (93.99, False), (95.9, False)]:
        gpu.temperature_c = temperature_c
        gpu.advance_to(gpu.now_s + 0.001)
        assert ("hw_thermal_slowdown" in gpu.reasons) is held, temperature_c


def test_full_load_at_the_power_limit_runs_the_clock_the_power_law_allows() -> None:
    # 490 W asked, 450 W allowed: dynamic power (P - 22 W) scales with clock^2.5, so the clock is
    # (428 / 468) ** 0.4 = 0.964893 of 2520 MHz = 2431.5 MHz.
    gpu = _held_at(60.0, load=1.0)
    assert gpu.power_w == pytest.approx(450.0, abs=1e-9)
    assert gpu.sm_clock_mhz() == pytest.approx(2431.53, abs=0.01)
    assert gpu.reasons == ("sw_power_cap",)


def test_power_limit_and_heat_together_take_the_lower_clock() -> None:
    # At 89 degC heat allows 2520 - 285 * 5 / 6 = 2282.5 MHz (0.905754 of boost); power would allow
    # 0.9649. The card then draws 22 + 468 * 0.905754 ** 2.5 = 387.40 W.
    gpu = _held_at(89.0, load=1.0)
    assert gpu.sm_clock_mhz() == pytest.approx(2282.5, abs=1e-6)
    assert gpu.power_w == pytest.approx(387.40, abs=0.01)
    assert gpu.reasons == ("sw_thermal_slowdown",)


def test_a_trim_above_the_power_capped_clock_limits_nothing_and_is_not_counted() -> None:
    # At 85 degC heat would allow 2520 - 285 / 6 = 2472.5 MHz, power only 2431.5 MHz: the power cap
    # sets the clock, so only its reason shows and only its counter runs.
    gpu = _held_at(85.0, load=1.0)
    gpu.temperature_c = 85.0
    gpu.advance_to(0.5)
    assert gpu.sm_clock_mhz() == pytest.approx(2431.53, abs=0.01)
    assert gpu.reasons == ("sw_power_cap",)
    assert (gpu.sw_thermal_s, gpu.thermal_violation_s) == (0.0, 0.0)
    assert gpu.power_violation_s == pytest.approx(0.5, abs=1e-9)


def test_whenever_thermal_slowdown_is_counted_the_clock_is_below_the_power_capped_clock() -> None:
    """A thermal slowdown that NVML's counters time must show in the clocks (and so in a stress
    test's TFLOPS): the clock-drop and 97 % rules of the cooling test depend on it."""
    gpu = SimulatedGpu(_profile("rtx4090-degraded"), 0, start_s=0.0)
    gpu.set_load(1.0)
    power_capped_mhz = 2520 * (428 / 468) ** 0.4  # 2431.5 MHz, see the power-law test below
    counted = 0.0
    for step in range(1, 3601):
        gpu.advance_to(step * 0.25)
        if gpu.sw_thermal_s > counted:
            counted = gpu.sw_thermal_s
            assert gpu.sm_clock_mhz() < power_capped_mhz - 1.0, (gpu.temperature_c, gpu.sm_clock_mhz())
    assert counted > 0


@pytest.mark.parametrize(
    ("key", "temperature_c", "sm_clock_mhz", "power_w"),
    [
        # Hand-worked balances at full load; both fans stop at 55 %, pinned above ~60 degC, so
        # R = R_full * (1 + 0.7 * 0.45). Bisection on T = 25 + R * P(T), P = idle + asked * f ** 2.5:
        # rtx4090-degraded: R = 0.2104; past 90 degC, f = (2235 - 471 (T - 90) / 6) / 2520: even the
        # base clock is too hot for this cooler, it settles above its max operating temperature.
        ("rtx4090-degraded", 91.7683, 2096.19, 317.34),
        # rtx3090-degraded: R = 0.24985; from its 83 degC target f = (1695 - 300 (T - 83) / 10) / 1695:
        # the driver holds it under its 93 degC max operating temperature.
        ("rtx3090-degraded", 90.8336, 1459.99, 263.49),
    ],
)
def test_a_degraded_card_settles_where_the_drivers_trim_balances_its_heat(
    key: str, temperature_c: float, sm_clock_mhz: float, power_w: float
) -> None:
    gpu = SimulatedGpu(_profile(key), 0, start_s=0.0)
    gpu.set_load(1.0)
    gpu.advance_to(3000.0)  # 27 model time constants
    assert gpu.temperature_c == pytest.approx(temperature_c, abs=0.01)
    assert gpu.sm_clock_mhz() == pytest.approx(sm_clock_mhz, abs=0.5)
    assert gpu.power_w == pytest.approx(power_w, abs=0.05)
    assert gpu.reasons == ("sw_thermal_slowdown",)


def test_readings_of_an_idle_and_a_busy_card() -> None:
    idle = SimulatedGpu(_profile("rtx4090"), 2, start_s=0.0).reading()
    assert (idle.index, idle.pstate, idle.sm_clock_mhz, idle.mem_clock_mhz, idle.pcie_gen) == (2, 8, 210, 405.0, 1)
    assert (idle.pcie_width, idle.power_limit_w, idle.processes, idle.clock_event_reasons) == (
        16,
        450.0,
        (),
        ("gpu_idle",),
    )
    assert (idle.ecc_corrected, idle.ecc_uncorrected, idle.temp_margin_c, idle.lost) == (None, None, None, False)
    assert idle.fan_percent == 30.0 and idle.fans_percent == (30.0, 30.0)
    assert idle.uuid == "GPU-SIMULATED-0002-rtx4090" and idle.vram_used_bytes == 300 * 2**20
    assert idle.util_percent is not None and idle.util_percent < 3.0  # |noise| with sigma 1
    gpu = SimulatedGpu(_profile("rtx4090"), 0, start_s=0.0, seed=5)
    gpu.set_load(0.5, vram_bytes=20 * 2**30, process_name="train.py")
    gpu.advance_to(10.0)
    busy = gpu.reading()
    assert (busy.pstate, busy.sm_clock_mhz, busy.mem_clock_mhz, busy.pcie_gen) == (2, 2520, 10501.0, 4)
    assert busy.util_percent == pytest.approx(50.0, abs=3.0)  # noise sigma 0.6
    assert busy.mem_util_percent == pytest.approx(30.0, abs=2.0)  # 0.6 of the SM load
    assert busy.temperature_c == pytest.approx(gpu.temperature_c, abs=1.0)  # noise sigma 0.2
    assert busy.power_w == pytest.approx(256.0, abs=7.5)  # 22 + 0.5 * 468, noise sigma 1.5
    assert busy.power_instant_w == pytest.approx(256.0, abs=20.0)  # noise sigma 4
    assert [(p.name, p.vram_used_bytes) for p in busy.processes] == [("train.py [SIMULATED]", 20 * 2**30 - 300 * 2**20)]


def test_a_passive_data_centre_card_reports_ecc_and_no_fan() -> None:
    reading = SimulatedGpu(_profile("a100-80gb"), 0, start_s=0.0).reading()
    assert (reading.ecc_corrected, reading.ecc_uncorrected) == (0, 0)
    assert (reading.fan_percent, reading.fans_percent) == (None, ())
    assert dict(reading.missing)["fan_percent"].startswith("passively cooled")
    info = SimulatedGpu(_profile("a100-80gb"), 1, start_s=0.0).info()
    assert (info.pci_bus_id, info.mig_mode, info.temp_slowdown_c, info.power_enforced_w) == (
        "00000000:02:00.0",
        False,
        89.0,
        400.0,
    )


def test_load_and_memory_are_clamped_to_what_the_card_has() -> None:
    gpu = SimulatedGpu(_profile("rtx3090"), 0, start_s=0.0)
    gpu.set_load(1.7, vram_bytes=10**12)
    assert (gpu.load, gpu.vram_used_bytes) == (1.0, 25769803776)
    gpu.set_load(-0.2, vram_bytes=0)
    assert (gpu.load, gpu.vram_used_bytes) == (0.0, 300 * 2**20)


def test_violation_counters_add_up_the_seconds_spent_limited() -> None:
    gpu = _held_at(60.0, load=1.0)  # power-limited from the first step
    gpu.advance_to(10.0)
    assert gpu.power_violation_s == pytest.approx(10.0, abs=1e-9) and gpu.thermal_violation_s == 0.0
    hot = _held_at(93.0, load=0.5)
    hot.advance_to(0.5)
    assert hot.thermal_violation_s == pytest.approx(0.5, abs=1e-9) and hot.power_violation_s == 0.0


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


def test_software_thermal_slowdown_starts_where_the_trim_reaches_below_the_power_capped_clock() -> None:
    gpu = SimulatedGpu(_profile("rtx4090-degraded"), 0, start_s=0.0)
    gpu.set_load(1.0)
    trace = _run(gpu, 900, step=0.25)
    first = next(i for i, (_, _, r) in enumerate(trace) if "sw_thermal_slowdown" in r)
    # the power cap holds 2431.5 MHz; the trim from 84 degC (2520) to 90 degC (2235) reaches it at
    # 84 + 6 * (2520 - 2431.5) / 285 = 85.86 degC
    assert 85.8 <= trace[first - 1][1] <= 86.0


def test_without_a_target_temperature_the_trim_begins_3_degrees_below_max_operating() -> None:
    # A100 80GB: no target, max operating 85 degC, base 1275 of 1410 MHz boost: from 82 degC
    spec = _profile("a100-80gb").spec
    assert sw_thermal_ceiling(spec, 82.0) == (1.0, None)
    share, reason = sw_thermal_ceiling(spec, 83.5)
    assert reason == "sw_thermal_slowdown" and share * 1410 == pytest.approx(1342.5, abs=1e-6)  # half way to 1275
    assert sw_thermal_ceiling(spec, 85.0)[0] * 1410 == pytest.approx(1275.0, abs=1e-6)


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


def test_sensor_noise_has_the_stated_spread_and_readings_one_decimal() -> None:
    """Noise sigmas: utilisation 0.6 points, temperature 0.2 degC, power 1.5 W, instant power 4 W."""
    gpu = SimulatedGpu(_profile("rtx4090"), 0, start_s=0.0, seed=11)
    gpu.set_load(0.5)
    gpu.advance_to(2000.0)  # settled: 22 time constants
    readings = [gpu.reading() for _ in range(600)]

    def column(name: str) -> np.ndarray:
        values = np.array([getattr(r, name) for r in readings], dtype=float)
        assert np.array_equal(values, np.round(values, 1)), f"{name} has more than one decimal"
        return values

    util, mem_util, temperature = column("util_percent"), column("mem_util_percent"), column("temperature_c")
    power, instant = column("power_w"), column("power_instant_w")
    # Means: the true values (load 50 %, 256 W, the model's temperature); spreads within 15 % of sigma.
    for values, mean, sigma in [
        (util, 50.0, 0.6),
        (mem_util, 30.0, 0.36),
        (temperature, gpu.temperature_c, 0.2),
        (power, 256.0, 1.5),
        (instant, 256.0, 4.0),
    ]:
        assert values.mean() == pytest.approx(mean, abs=4 * sigma / math.sqrt(len(values)) + 0.03)
        assert values.std() == pytest.approx(sigma, rel=0.15)
    # Each sensor has its own noise: temperature and the two power readings are uncorrelated.
    assert abs(np.corrcoef(temperature, power)[0, 1]) < 0.2
    assert abs(np.corrcoef(power, instant)[0, 1]) < 0.2
    assert abs(np.corrcoef(util, temperature)[0, 1]) < 0.2


def test_noise_keeps_readings_within_their_physical_range() -> None:
    gpu = SimulatedGpu(_profile("rtx4090"), 0, start_s=0.0, seed=2)
    gpu.set_load(1.0)
    util = [gpu.reading().util_percent for _ in range(200)]
    assert max(u for u in util if u is not None) == 100.0  # about half the noise pushes past 100: clipped
    idle = SimulatedGpu(_profile("rtx4090"), 0, start_s=0.0, seed=2)
    readings = [idle.reading() for _ in range(400)]
    idle_util = np.array([r.util_percent for r in readings], dtype=float)
    assert idle_util.min() >= 0.0
    # An idle card shows |noise| with sigma 1: the half-normal mean is sqrt(2 / pi) = 0.798.
    assert idle_util.mean() == pytest.approx(0.798, abs=0.1)


def test_one_percent_load_counts_as_busy() -> None:
    gpu = SimulatedGpu(_profile("rtx4090"), 0, start_s=0.0)
    gpu.set_load(0.01)
    assert gpu.sm_clock_mhz() == 2520  # before any step the clock is the full boost clock
    gpu.advance_to(1.0)
    reading = gpu.reading()
    assert (reading.pstate, reading.sm_clock_mhz, reading.graphics_clock_mhz, reading.clock_event_reasons) == (
        2,
        2520,
        2520,
        (),
    )
    gpu.set_load(0.009)
    gpu.advance_to(2.0)
    reading = gpu.reading()
    assert (reading.pstate, reading.sm_clock_mhz, reading.clock_event_reasons) == (8, 210, ("gpu_idle",))


def test_published_specs_reach_the_gpu_info() -> None:
    # NVIDIA GeForce RTX 4090: 24 GiB (25757220864 bytes), compute 8.9, 450 W default (150 to 600 W),
    # slowdown 96, shutdown 101, max operating 90, target 84 degC, PCIe 4.0 x16, two fans.
    info = SimulatedGpu(_profile("rtx4090"), 0, start_s=0.0).info()
    assert (info.vram_total_bytes, info.compute_capability, info.uuid) == (
        25757220864,
        "8.9",
        "GPU-SIMULATED-0000-rtx4090",
    )
    assert (info.power_default_w, info.power_min_w, info.power_max_w, info.power_enforced_w) == (450, 150, 600, 450)
    assert (info.temp_slowdown_c, info.temp_shutdown_c, info.temp_max_operating_c, info.temp_target_c) == (
        96,
        101,
        90,
        84,
    )
    assert (info.pcie_gen_max, info.pcie_width_max, info.fan_count, info.index) == (4, 16, 2, 0)
    assert (info.persistence_mode, info.mig_mode, info.display_attached) == (True, None, False)
    assert info.missing == (("serial", "simulated GPU"), ("vbios", "simulated GPU"))
    reading = SimulatedGpu(_profile("rtx4090"), 0, start_s=0.0).reading()
    assert reading.vram_total_bytes == 25757220864
    assert (reading.power_violation_s, reading.thermal_violation_s) == (0.0, 0.0)


def test_the_simulated_process_is_a_compute_job_without_a_pid_or_user() -> None:
    gpu = SimulatedGpu(_profile("rtx3090"), 0, start_s=0.0)
    gpu.set_load(0.5, vram_bytes=2**30, process_name="bench")
    (process,) = gpu.reading().processes
    assert (process.pid, process.user, process.kind, process.vram_used_bytes) == (
        0,
        None,
        "compute",
        2**30 - 300 * 2**20,
    )


def test_the_default_seed_is_zero_and_each_gpu_has_its_own_noise() -> None:
    def temperatures(gpu: SimulatedGpu) -> list[float | None]:
        return [gpu.reading().temperature_c for _ in range(5)]

    profile = _profile("rtx3090")
    assert temperatures(SimulatedGpu(profile, 0, 0.0)) == temperatures(SimulatedGpu(profile, 0, 0.0, seed=0))
    assert temperatures(SimulatedGpu(profile, 0, 0.0)) != temperatures(SimulatedGpu(profile, 1, 0.0))


def test_advancing_moves_the_model_clock_exactly_to_the_asked_time() -> None:
    gpu = SimulatedGpu(_profile("rtx3090"), 0, start_s=100.0)
    gpu.advance_to(101.3)
    assert gpu.now_s == pytest.approx(101.3, abs=1e-12)
    gpu.advance_to(50.0)  # the past: nothing happens
    assert gpu.now_s == pytest.approx(101.3, abs=1e-12)


def test_a_fan_curve_with_no_ramp_runs_the_fan_at_its_maximum() -> None:
    thermal = replace(_profile("rtx4090").thermal, fan_start_c=60.0, fan_full_c=60.0, fan_max_percent=80.0)
    assert thermal.fan_percent(30.0) == 80.0 and thermal.fan_percent(90.0) == 80.0
