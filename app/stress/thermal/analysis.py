"""The cooling test's metrics from its time series: pure functions, no clock, no hardware.

Method: research/stress-and-thermal.md §10.4 (steady state, τ fit, clock drop, the 97 % rule
of 3DMark's stress test, throttle time per reason from NVML's counters, effective °C per W).
Every metric may be `None`, with the reason in `details["missing"]`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from app.stress.records import Phase, PhaseSpan
from app.stress.thermal.fit import fit_step_response
from app.stress.thermal.series import ThermalLimits, ThermalSeries
from app.stress.thermal.throttle import throttle_breakdown
from app.stress.thermal.windows import mean_of, median_of, pairs, present, rows_between, slope_per_min

STEADY_WINDOW_S = 60.0  # T_ss is the mean of the load's last minute; the slope test looks at one minute
STEADY_SLOPE_C_PER_MIN = 0.5
EARLY_CLOCK_S = (10.0, 30.0)  # the clock before heat: median 10–30 s into the load (§10.4)
INTERVAL_S = 30.0  # throughput intervals: 3DMark's stress test runs 20 loops in about 10 minutes
SETTLE_S = 10.0  # the workload's start-up (process spawn, kernel load) is not a throughput interval
COOLDOWN_MARGIN_C = 5.0  # cooled down at T_idle + 5 °C
FAN_RAMP_STEP_PERCENT = 10.0  # the fan has responded once it runs 10 points above idle
MIN_POWER_RISE_W = 1.0  # below this the load drew no measurable power: no °C per W

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
    return next((p for p in phases if p.phase == phase), None)


def analyse(series: ThermalSeries, phases: Sequence[PhaseSpan], limits: ThermalLimits) -> ThermalAnalysis:
    """Every metric of one cooling test; phases missing from `phases` leave their metrics `None`."""
    idle, load, cooldown = (phase_span(phases, p) for p in ("idle", "load", "cooldown"))
    missing: dict[str, str] = {}
    details: dict[str, object] = {"missing": missing}
    t, temps = series.times_s, series.temperature_c
    idle_rows = _last_window(t, idle) if idle else []
    load_rows = rows_between(t, load.start_s, load.end_s) if load else []
    end_rows = _last_window(t, load) if load else []
    metrics: dict[str, float | None] = dict.fromkeys(METRIC_KEYS)
    metrics["idle_c"] = mean_of(temps, idle_rows)
    metrics["peak_c"] = max(present(temps, range(len(t))), default=None)
    details["idle_compute_processes"] = max(present(series.compute_processes, idle_rows), default=None)
    if load is not None:
        _temperature_curve(series, load, load_rows, end_rows, metrics, details, missing)
        _clocks_and_throughput(series, load, load_rows, end_rows, metrics, details)
        _power(series, idle_rows, load_rows, end_rows, metrics, details)
        details["fan"] = fan_response(series, idle_rows, load, end_rows)
        breakdown = throttle_breakdown(series, load_rows, load)
        metrics["throttle_percent"] = breakdown.total_percent
        details["throttle"] = breakdown.as_details()
        details["reasons_first_seen_s"] = breakdown.first_seen_s
    metrics.update(_headroom(metrics["peak_c"], limits))
    if cooldown is not None and load is not None:
        metrics["cooldown_s"] = cooldown_time_s(t, temps, load.end_s, cooldown.end_s, metrics["idle_c"])
    for key, value in metrics.items():
        if value is None and key not in missing:
            missing[key] = _why_missing(key, idle, load, cooldown)
    return ThermalAnalysis(metrics, details)


def _last_window(times_s: Sequence[float], span: PhaseSpan) -> list[int]:
    """Rows of the span's last minute (all of it when shorter)."""
    return rows_between(times_s, max(span.start_s, span.end_s - STEADY_WINDOW_S), span.end_s)


def _temperature_curve(
    series: ThermalSeries,
    load: PhaseSpan,
    load_rows: list[int],
    end_rows: list[int],
    metrics: dict[str, float | None],
    details: dict[str, object],
    missing: dict[str, str],
) -> None:
    """Time to steady state, the fitted τ, and T_ss: the last minute's mean if settled, else the fit's asymptote."""
    times, temps = pairs(series.times_s, series.temperature_c, load_rows)
    settled_at = time_to_steady_s(times - load.start_s, temps)
    metrics["time_to_steady_s"] = settled_at
    fit = fit_step_response(times - load.start_s, temps) if len(times) else None
    if fit is not None:
        metrics["time_constant_s"] = fit.time_constant_s
        details["fit"] = {"steady_c": fit.steady_c, "start_c": fit.start_c, "rms_c": fit.rms_c}
        if fit.at_search_edge:
            missing["time_constant_s"] = "the load phase was too short for the curve to bend"
            metrics["time_constant_s"] = None
    if settled_at is not None:
        metrics["steady_c"] = mean_of(series.temperature_c, end_rows)
        details["steady_method"] = "mean of the last 60 s of load"
    elif fit is not None and not fit.at_search_edge:
        metrics["steady_c"] = fit.steady_c
        details["steady_method"] = "fitted asymptote (the load never settled)"
    slope = slope_per_min(*pairs(series.times_s, series.temperature_c, end_rows))
    details["end_slope_c_per_min"] = slope


def time_to_steady_s(times_s: np.ndarray, temps: np.ndarray) -> float | None:
    """Seconds into the load at which the 60-s least-squares slope fell below 0.5 °C/min and stayed
    there for 60 s (the end of the first such window); `None` if it never did."""
    if len(times_s) == 0:
        return None
    ends = [float(e) for e in times_s if e >= times_s[0] + STEADY_WINDOW_S]
    calm = [_calm(times_s, temps, e) for e in ends]
    for i, end in enumerate(ends):
        if not calm[i] or end + STEADY_WINDOW_S > times_s[-1]:
            continue
        if all(ok for e, ok in zip(ends[i:], calm[i:], strict=True) if e <= end + STEADY_WINDOW_S):
            return end
    return None


def _calm(times_s: np.ndarray, temps: np.ndarray, end_s: float) -> bool:
    inside = (times_s >= end_s - STEADY_WINDOW_S) & (times_s <= end_s)
    slope = slope_per_min(times_s[inside], temps[inside])
    return slope is not None and abs(slope) < STEADY_SLOPE_C_PER_MIN


def _clocks_and_throughput(
    series: ThermalSeries,
    load: PhaseSpan,
    load_rows: list[int],
    end_rows: list[int],
    metrics: dict[str, float | None],
    details: dict[str, object],
) -> None:
    early = rows_between(series.times_s, load.start_s + EARLY_CLOCK_S[0], load.start_s + EARLY_CLOCK_S[1])
    metrics["clock_drop_percent"] = clock_drop_percent(
        median_of(series.sm_clock_mhz, early), median_of(series.sm_clock_mhz, end_rows)
    )
    details["sm_clock_early_mhz"] = median_of(series.sm_clock_mhz, early)
    details["sm_clock_steady_mhz"] = median_of(series.sm_clock_mhz, end_rows)
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
    load_rows: list[int],
    end_rows: list[int],
    metrics: dict[str, float | None],
    details: dict[str, object],
) -> None:
    """P_ss over the enforced limit, and the effective thermal resistance (T_ss − T_idle)/(P_ss − P_idle)."""
    idle_w, steady_w = mean_of(series.power_w, idle_rows), mean_of(series.power_w, end_rows)
    limit_w = median_of(series.power_limit_w, end_rows)
    details.update(power_idle_w=idle_w, power_steady_w=steady_w, power_limit_w=limit_w)
    details["power_max_w"] = max(present(series.power_w, load_rows), default=None)
    if steady_w is not None and limit_w:
        metrics["power_fraction"] = steady_w / limit_w
    steady_c, idle_c = metrics["steady_c"], metrics["idle_c"]
    if None not in (steady_w, idle_w, steady_c, idle_c) and steady_w - idle_w >= MIN_POWER_RISE_W:  # type: ignore[operator]
        metrics["c_per_w"] = (steady_c - idle_c) / (steady_w - idle_w)  # type: ignore[operator]


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


def _why_missing(key: str, idle: PhaseSpan | None, load: PhaseSpan | None, cooldown: PhaseSpan | None) -> str:
    needs: Mapping[str, tuple[PhaseSpan | None, str]] = {
        "idle_c": (idle, "no idle phase"),
        "cooldown_s": (cooldown, "no cooldown phase"),
    }
    phase, why = needs.get(key, (load, "no load phase"))
    if phase is None:
        return why
    return _REASONS.get(key, "not enough readings")


_REASONS = {
    "time_to_steady_s": "the temperature did not settle (slope ≥ 0.5 °C/min) during the load",
    "clock_drop_percent": "no SM clock readings 10–30 s into the load and in its last minute",
    "sustained_ratio": "fewer than two 30-s throughput intervals",
    "power_fraction": "no power or power-limit readings",
    "c_per_w": "no power readings, or the load drew under 1 W more than idle",
    "cooldown_s": "did not cool to 5 °C above idle within the cooldown phase",
    "headroom_to_slowdown_c": "the slowdown temperature is not known",
    "headroom_to_max_operating_c": "the max operating temperature is not known",
    "throttle_percent": "no clock-event reasons or counters were read",
}
