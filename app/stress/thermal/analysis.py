"""The cooling test's metrics from its time series: pure functions, no clock, no hardware.

Method: research/stress-and-thermal.md §10.4 (steady state, τ fit, clock drop, the 97 % rule
of 3DMark's stress test, throttle time per reason from NVML's counters, effective °C per W).
Every metric may be `None`, with the reason in `details["missing"]`; a phase of no length is no
phase at all (`--idle 0`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from app.stress.records import Phase, PhaseSpan
from app.stress.thermal.curve import (  # re-exported: the analysis is where callers look for them
    STEADY_SLOPE_C_PER_MIN as STEADY_SLOPE_C_PER_MIN,
)
from app.stress.thermal.curve import (
    STEADY_WINDOW_S,
    last_window,
    load_curve,
)
from app.stress.thermal.curve import time_to_steady_s as time_to_steady_s
from app.stress.thermal.missing import why_missing
from app.stress.thermal.series import ThermalLimits, ThermalSeries
from app.stress.thermal.settle import IDLE_WINDOW_S, idle_slope_c_per_min, is_calm
from app.stress.thermal.throttle import throttle_breakdown
from app.stress.thermal.windows import mean_of, median_of, pairs, present, rows_between, slope_per_min

EARLY_CLOCK_S = (10.0, 30.0)  # the clock before heat: median 10–30 s into the load (§10.4)
INTERVAL_S = 30.0  # throughput intervals: 3DMark's stress test runs 20 loops in about 10 minutes
SETTLE_S = 10.0  # the workload's start-up (process spawn, kernel load) is not a throughput interval
COOLDOWN_MARGIN_C = 5.0  # cooled down at T_idle + 5 °C
FAN_RAMP_STEP_PERCENT = 10.0  # the fan has responded once it runs 10 points above idle
MIN_POWER_RISE_W = 1.0  # below this the load drew no measurable power: no °C per W
MIN_CLOCK_DROP_LOAD_S = EARLY_CLOCK_S[1] + STEADY_WINDOW_S  # the early clock and the last minute apart

METRIC_KEYS = (
    "idle_c",
    "peak_c",
    "steady_c",
    "time_to_steady_s",
    "time_constant_s",
    "headroom_to_slowdown_c",
    "clock_drop_percent",
    "sustained_ratio",
    "throttle_percent",
    "power_fraction",
    "c_per_w",
    "cooldown_s",
)


@dataclass(frozen=True)
class ThermalAnalysis:
    """The issue's metrics (plus a few more), and the details behind them."""

    metrics: dict[str, float | None]
    details: dict[str, object] = field(default_factory=dict)


def phase_span(phases: Sequence[PhaseSpan], phase: Phase) -> PhaseSpan | None:
    """The phase's span; `None` when it did not run or lasted no time."""
    return next((p for p in phases if p.phase == phase and p.end_s > p.start_s), None)


def analyse(
    series: ThermalSeries, phases: Sequence[PhaseSpan], limits: ThermalLimits, stopped_by_guard: bool = False
) -> ThermalAnalysis:
    """Every metric of one cooling test; phases missing from `phases` leave their metrics `None`.

    `stopped_by_guard`: the safety guard ended the load early (no projection of where it was heading).
    """
    idle, load, cooldown = (phase_span(phases, p) for p in ("idle", "load", "cooldown"))
    missing: dict[str, str] = {}
    details: dict[str, object] = {"missing": missing}
    t, temps = series.times_s, series.temperature_c
    load_rows = rows_between(t, load.start_s, load.end_s) if load else []
    end_rows = last_window(t, load.start_s, load.end_s) if load else []
    metrics: dict[str, float | None] = dict.fromkeys((*METRIC_KEYS, "headroom_to_max_operating_c"))
    metrics["peak_c"] = max(present(temps, range(len(t))), default=None)
    _idle(series, idle, metrics, details)
    if load is not None:
        details["load_s"] = load.end_s - load.start_s
        details["stopped_by_guard"] = stopped_by_guard
        _temperature_curve(series, load, load_rows, end_rows, limits, stopped_by_guard, metrics, details)
        _clocks_and_throughput(series, load, end_rows, metrics, details)
        _power(series, _idle_rows(t, idle), end_rows, load_rows, metrics, details)
        details["fan"] = fan_response(series, _idle_rows(t, idle), load, end_rows)
        breakdown = throttle_breakdown(series, load_rows, load)
        metrics["throttle_percent"] = breakdown.total_percent
        metrics["power_capped_percent"] = breakdown.power_capped_percent
        details["throttle"] = breakdown.as_details()
        details["reasons_first_seen_s"] = breakdown.first_seen_s
    metrics.update(_headroom(metrics["peak_c"], limits))
    if cooldown is not None and load is not None:
        metrics["cooldown_s"] = cooldown_time_s(t, temps, load.end_s, cooldown.end_s, metrics["idle_c"])
    for key, value in metrics.items():
        if value is None and key not in missing:
            missing[key] = why_missing(key, series, (idle, load, cooldown), metrics, details)
    return ThermalAnalysis(metrics, details)


def _idle_rows(times_s: Sequence[float], idle: PhaseSpan | None) -> list[int]:
    return last_window(times_s, idle.start_s, idle.end_s, IDLE_WINDOW_S) if idle else []


def _idle(
    series: ThermalSeries, idle: PhaseSpan | None, metrics: dict[str, float | None], details: dict[str, object]
) -> None:
    """The idle temperature over the idle's last minute (the window its calm is judged on), and whether
    it had settled; the GPU's compute processes over its last minute."""
    t = series.times_s
    metrics["idle_c"] = mean_of(series.temperature_c, _idle_rows(t, idle))
    details["idle_compute_processes"] = max(present(series.compute_processes, _idle_rows(t, idle)), default=None)
    if idle is None:
        return
    slope = idle_slope_c_per_min(t, series.temperature_c, idle.start_s, idle.end_s)
    details["idle_slope_c_per_min"] = slope
    details["idle_settled"] = None if slope is None else is_calm(slope)


def _temperature_curve(
    series: ThermalSeries,
    load: PhaseSpan,
    load_rows: list[int],
    end_rows: list[int],
    limits: ThermalLimits,
    stopped_by_guard: bool,
    metrics: dict[str, float | None],
    details: dict[str, object],
) -> None:
    """Time to steady state, the fitted τ, and T_ss (the last minute's mean, of a settled load only)."""
    times, temps = pairs(series.times_s, series.temperature_c, load_rows)
    load_s = load.end_s - load.start_s
    curve = load_curve(times - load.start_s, temps, load_s, stopped_by_guard, limits.slowdown_c)
    metrics["time_to_steady_s"] = curve.time_to_steady_s
    metrics["time_constant_s"] = curve.time_constant_s
    if curve.steady_from_last_minute:
        metrics["steady_c"] = mean_of(series.temperature_c, end_rows)
        details["steady_method"] = "mean of the last 60 s of load"
    else:
        details["steady_method"] = "none: the load did not settle"
        details["steady_projected_c"] = curve.projected_c
    if curve.fit is not None:
        details["fit"] = {
            "asymptote_c": curve.fit.steady_c,
            "start_c": curve.fit.start_c,
            "time_constant_s": curve.fit.time_constant_s,
            "rms_c": curve.fit.rms_c,
            "note": "the first-order curve fitted to the load's readings: a model, not a measurement",
        }
    details["settle_needed_s"] = curve.settle_needed_s
    details["end_slope_c_per_min"] = _slope(series, end_rows)
    details["missing"].update(curve.missing)  # type: ignore[attr-defined]


def _slope(series: ThermalSeries, rows: list[int]) -> float | None:
    return slope_per_min(*pairs(series.times_s, series.temperature_c, rows))


def _clocks_and_throughput(
    series: ThermalSeries,
    load: PhaseSpan,
    end_rows: list[int],
    metrics: dict[str, float | None],
    details: dict[str, object],
) -> None:
    early = rows_between(series.times_s, load.start_s + EARLY_CLOCK_S[0], load.start_s + EARLY_CLOCK_S[1])
    early_mhz, steady_mhz = median_of(series.sm_clock_mhz, early), median_of(series.sm_clock_mhz, end_rows)
    details["sm_clock_early_mhz"], details["sm_clock_steady_mhz"] = early_mhz, steady_mhz
    if load.end_s - load.start_s >= MIN_CLOCK_DROP_LOAD_S:
        metrics["clock_drop_percent"] = clock_drop_percent(early_mhz, steady_mhz)
    intervals = interval_means(series.throughput_times_s, series.throughput, load.start_s + SETTLE_S, load.end_s)
    details["throughput_intervals"] = intervals
    metrics["sustained_ratio"] = sustained_ratio(intervals)


def clock_drop_percent(early_mhz: float | None, steady_mhz: float | None) -> float | None:
    """How far the clock fell from the start of the load to its end, in % of the start."""
    if early_mhz is None or steady_mhz is None or early_mhz <= 0:
        return None
    return (early_mhz - steady_mhz) / early_mhz * 100.0


def interval_means(
    times_s: Sequence[float], values: Sequence[float | None], start_s: float, end_s: float
) -> list[float]:
    """Mean throughput in each complete 30-s interval [begin, begin + 30 s) from `start_s`; intervals
    without a value are left out."""
    means = []
    begin = start_s
    while begin + INTERVAL_S <= end_s + 1e-9:
        found = present(values, [i for i, t in enumerate(times_s) if begin <= t < begin + INTERVAL_S])
        if found:
            means.append(float(np.mean(found)))
        begin += INTERVAL_S
    return means


def sustained_ratio(interval_means_: Sequence[float]) -> float | None:
    """Worst interval over best (3DMark's stress test passes at 97 %); needs two intervals."""
    if len(interval_means_) < 2 or max(interval_means_) <= 0:
        return None
    return min(interval_means_) / max(interval_means_)


def _power(
    series: ThermalSeries,
    idle_rows: list[int],
    end_rows: list[int],
    load_rows: list[int],
    metrics: dict[str, float | None],
    details: dict[str, object],
) -> None:
    """P_ss over the enforced limit, and the effective thermal resistance (T_ss − T_idle)/(P_ss − P_idle),
    only from a settled idle and a settled load."""
    idle_w, steady_w = mean_of(series.power_w, idle_rows), mean_of(series.power_w, end_rows)
    limit_w = median_of(series.power_limit_w, end_rows)
    details.update(power_idle_w=idle_w, power_steady_w=steady_w, power_limit_w=limit_w)
    details["power_max_w"] = max(present(series.power_w, load_rows), default=None)
    if steady_w is not None and limit_w:
        metrics["power_fraction"] = steady_w / limit_w
    steady_c, idle_c = metrics["steady_c"], metrics["idle_c"]
    if steady_w is None or idle_w is None or steady_c is None or idle_c is None:
        return
    if details.get("idle_settled") is not False and steady_w - idle_w >= MIN_POWER_RISE_W:
        metrics["c_per_w"] = (steady_c - idle_c) / (steady_w - idle_w)


def _headroom(peak_c: float | None, limits: ThermalLimits) -> dict[str, float | None]:
    def below(threshold: float | None) -> float | None:
        return None if threshold is None or peak_c is None else threshold - peak_c

    return {
        "headroom_to_slowdown_c": below(limits.slowdown_c),
        "headroom_to_max_operating_c": below(limits.max_operating_c),
    }


def cooldown_time_s(
    times_s: Sequence[float], temps: Sequence[float | None], load_end_s: float, end_s: float, idle_c: float | None
) -> float | None:
    """Seconds from the end of the load to the first reading at or below T_idle + 5 °C."""
    if idle_c is None:
        return None
    for i in rows_between(times_s, load_end_s, end_s):
        value = temps[i]
        if value is not None and value <= idle_c + COOLDOWN_MARGIN_C:
            return times_s[i] - load_end_s
    return None


def fan_response(
    series: ThermalSeries, idle_rows: list[int], load: PhaseSpan, end_rows: list[int]
) -> dict[str, float | None]:
    """Fan duty at idle and at steady state, and how long after the load began it rose 10 points."""
    fans = series.column(series.fan_percent)
    idle_pct, steady_pct = mean_of(fans, idle_rows), mean_of(fans, end_rows)
    delay = None
    if idle_pct is not None:
        for i in rows_between(series.times_s, load.start_s, load.end_s):
            value = fans[i]
            if value is not None and value >= idle_pct + FAN_RAMP_STEP_PERCENT:
                delay = series.times_s[i] - load.start_s
                break
    return {"idle_percent": idle_pct, "steady_percent": steady_pct, "ramp_delay_s": delay}
