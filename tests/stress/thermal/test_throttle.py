"""Throttle time per reason: NVML's counters where present, the sampled bitmask otherwise."""

from __future__ import annotations

import pytest

from app.stress.records import PhaseSpan
from app.stress.thermal.analysis import analyse
from app.stress.thermal.series import ThermalLimits, ThermalSeries
from app.stress.thermal.throttle import throttle_breakdown

LOAD = PhaseSpan("load", 0.0, 99.0)


def _reasons(t: float) -> tuple[str, ...]:
    """Power cap in rows 0–24, HW thermal slowdown in rows 20–29 (overlapping 20–24), sync boost and
    display clocks in 50–59, idle at 99."""
    found = []
    if t < 25:
        found.append("sw_power_cap")
    if 20 <= t < 30:
        found.append("hw_thermal_slowdown")
    if 50 <= t < 60:
        found.append("sync_boost" if t < 55 else "display_clock_setting")  # settings, not limits
    if t == 99:
        found.append("gpu_idle")
    return tuple(found)


def _series(counters: dict[str, tuple[float | None, ...]] | None = None) -> ThermalSeries:
    times = tuple(float(t) for t in range(100))
    return ThermalSeries(
        times_s=times,
        temperature_c=(60.0,) * 100,
        clock_event_reasons=tuple(_reasons(t) for t in times),
        reason_counters_s=counters or {},
    )


def test_without_counters_each_reason_is_its_share_of_samples_and_the_power_cap_is_kept_apart() -> None:
    result = throttle_breakdown(_series(), range(100), LOAD)
    assert result.by_reason["sw_power_cap"].percent == pytest.approx(25.0)
    assert result.by_reason["sw_power_cap"].source == "sampled"
    assert result.by_reason["hw_thermal_slowdown"].percent == pytest.approx(10.0)
    # the total is the faults' share (rows 20–29), not the normal power cap's (rows 0–24)
    assert (result.total_percent, result.total_source) == (pytest.approx(10.0), "sampled")
    assert result.power_capped_percent == pytest.approx(25.0)
    assert "gpu_idle" not in result.by_reason
    assert result.first_seen_s["sw_power_cap"] == 0.0 and result.first_seen_s["hw_thermal_slowdown"] == 20.0


def test_rows_without_a_bitmask_reading_are_not_counted_as_unthrottled() -> None:
    full = _series()
    half = ThermalSeries(
        times_s=full.times_s,
        temperature_c=full.temperature_c,
        clock_event_reasons=full.clock_event_reasons[:50] + (None,) * 50,  # NVML stopped answering at 50 s
    )
    result = throttle_breakdown(half, range(100), LOAD)
    assert result.by_reason["sw_power_cap"].percent == pytest.approx(50.0)  # 25 of the 50 rows read
    assert result.total_percent == pytest.approx(20.0)  # 10 of the 50 rows read had a fault
    assert result.power_capped_percent == pytest.approx(50.0)


def test_a_counter_wins_over_the_samples_for_its_reason() -> None:
    # the power-cap counter grew 0.4 s per second: 39.6 s over the 99 s between first and last row = 40 %
    counter = tuple(0.4 * t for t in range(100))
    result = throttle_breakdown(_series({"sw_power_cap": counter}), range(100), LOAD)
    assert result.by_reason["sw_power_cap"].percent == pytest.approx(40.0)
    assert result.by_reason["sw_power_cap"].source == "counter"
    assert result.by_reason["hw_thermal_slowdown"].source == "sampled"  # no counter for it


def test_a_counter_with_unread_rows_uses_the_first_and_last_reading() -> None:
    # read only at 10 s (5.0 s) and 60 s (20.0 s): 15 s of 50 s = 30 %
    counter = tuple(5.0 if t == 10 else 20.0 if t == 60 else None for t in range(100))
    result = throttle_breakdown(_series({"thermal": counter}), range(100), LOAD)
    assert result.by_reason["thermal"].percent == pytest.approx(30.0)
    assert result.first_seen_s["thermal"] == 60.0


def test_without_a_bitmask_the_total_is_the_fault_counters_and_the_power_cap_is_apart() -> None:
    times = tuple(float(t) for t in range(100))
    series = ThermalSeries(
        times_s=times,
        temperature_c=(60.0,) * 100,
        reason_counters_s={"sw_power_cap": tuple(0.2 * t for t in times), "thermal": tuple(0.05 * t for t in times)},
    )
    result = throttle_breakdown(series, range(100), LOAD)
    assert (result.total_percent, result.total_source) == (pytest.approx(5.0), "counter")
    assert result.power_capped_percent == pytest.approx(20.0)


def test_two_thermal_slowdowns_one_after_the_other_add_up_in_the_total() -> None:
    # SW thermal slowdown 0.1 s per second for the first 50 s, HW thermal 0.2 s per second after:
    # (50 × 0.1 + 49 × 0.2) / 99 s = 14.95 %; the larger counter alone would say 9.9 %
    times = tuple(float(t) for t in range(100))
    counters = {
        "sw_thermal_slowdown": tuple(0.1 * min(t, 50.0) for t in times),
        "hw_thermal_slowdown": tuple(0.2 * max(0.0, t - 50.0) for t in times),
        "sw_power_cap": (0.0,) * 100,
    }
    series = ThermalSeries(times_s=times, temperature_c=(60.0,) * 100, reason_counters_s=counters)
    result = throttle_breakdown(series, range(100), LOAD)
    assert result.total_percent == pytest.approx(14.949, abs=0.01)
    assert (result.total_source, result.power_capped_percent) == ("counter", 0.0)


def test_nvmls_all_thermal_counter_is_left_out_where_the_per_reason_counters_time_the_event() -> None:
    """One thermal slowdown is one entry: NVML's thermal violation counter (NVML_PERF_POLICY_THERMAL)
    counts the same time as the per-reason SW/HW thermal counters (field ids 269, 270)."""
    times = tuple(float(t) for t in range(100))
    counters = {"sw_thermal_slowdown": tuple(0.3 * t for t in times), "thermal": tuple(0.3 * t for t in times)}
    series = ThermalSeries(times_s=times, temperature_c=(60.0,) * 100, reason_counters_s=counters)
    result = throttle_breakdown(series, range(100), LOAD)
    assert "thermal" not in result.by_reason and "thermal" not in result.first_seen_s
    assert result.by_reason["sw_thermal_slowdown"].percent == pytest.approx(30.0)
    assert (result.total_percent, result.total_source) == (pytest.approx(30.0), "counter")


def test_a_fault_the_bitmask_shows_without_a_counter_joins_the_counted_total() -> None:
    # HW slowdown (no counter) in rows 20–29 of the bitmask; the thermal counters read nothing moving
    times = tuple(float(t) for t in range(100))
    series = ThermalSeries(
        times_s=times,
        temperature_c=(60.0,) * 100,
        clock_event_reasons=tuple(("hw_slowdown",) if 20 <= t < 30 else () for t in times),
        reason_counters_s={"sw_thermal_slowdown": (0.0,) * 100},
    )
    result = throttle_breakdown(series, range(100), LOAD)
    assert result.total_percent == pytest.approx(10 / 99 * 100)  # the intervals ending at rows 20–29
    assert result.total_source == "counter and sampled"


def test_the_analysis_reports_the_faults_as_throttle_percent_the_cap_apart_and_the_breakdown_in_details() -> None:
    result = analyse(_series(), (LOAD,), ThermalLimits())
    assert result.metrics["throttle_percent"] == pytest.approx(10.0)
    assert result.metrics["power_capped_percent"] == pytest.approx(25.0)
    breakdown = result.details["throttle"]["by_reason"]  # type: ignore[index]
    assert breakdown["hw_thermal_slowdown"] == {"percent": pytest.approx(10.0), "source": "sampled"}


def test_a_counter_reason_first_shows_when_the_counter_first_rises_counted_from_the_load_start() -> None:
    # the load runs from 20 s; NVML's power-brake counter stays at 0 until 40 s, then gains 0.5 s a
    # second: its first rise is the row at 41 s, 21 s into the load (a flat counter is not a rise)
    brake = tuple(max(0.0, t - 40.0) * 0.5 for t in range(100))
    result = throttle_breakdown(_series({"hw_power_brake": brake}), range(20, 100), PhaseSpan("load", 20.0, 99.0))
    assert result.first_seen_s["hw_power_brake"] == 21.0
    # 29.5 s of braking over the 79 s from the first row to the last
    assert result.by_reason["hw_power_brake"].percent == pytest.approx(29.5 / 79.0 * 100.0)


def test_a_counter_that_went_backwards_counts_no_throttle_time_and_names_no_reason() -> None:
    # a counter reset (a driver reload) mid-load: 5 s, a rise to 6 s at 50 s, then 0 from 60 s.
    # Its last reading is below its first: 0 %, clamped, and the reason is not named from it
    reset = tuple(5.0 if t < 50 else 6.0 if t < 60 else 0.0 for t in range(100))
    result = throttle_breakdown(_series({"hw_power_brake": reset}), range(100), LOAD)
    assert result.by_reason["hw_power_brake"].percent == 0.0
    assert "hw_power_brake" not in result.first_seen_s
