"""Why a cooling-test metric is n/a, in the user's words: the first thing that was missing for it.

Each reason names what the test lacked (a phase, readings of a kind, a known threshold, a long
enough load), never a guess: "no idle phase" for `--idle 0`, not "not enough readings".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.stress.records import PhaseSpan
from app.stress.thermal.series import ThermalSeries
from app.stress.thermal.windows import present, rows_between

Spans = tuple[PhaseSpan | None, PhaseSpan | None, PhaseSpan | None]  # idle, load, cooldown


@dataclass(frozen=True)
class _Run:
    """What the reasons look at: the readings, the phases that ran, the metrics and details so far."""

    series: ThermalSeries
    idle: PhaseSpan | None
    load: PhaseSpan | None
    cooldown: PhaseSpan | None
    metrics: Mapping[str, float | None]
    details: Mapping[str, object]


def why_missing(
    key: str, series: ThermalSeries, spans: Spans, metrics: Mapping[str, float | None], details: Mapping[str, object]
) -> str:
    """The reason metric `key` is `None` in this run."""
    run = _Run(series, *spans, metrics, details)
    reason = _REASONS.get(key)
    if reason is not None:
        return reason(run)
    if run.load is None:
        return "no load phase"
    return _PLAIN.get(key, "not measured in this run")


def _has_readings(values: tuple[float | None, ...], series: ThermalSeries, span: PhaseSpan) -> bool:
    return bool(present(values, rows_between(series.times_s, span.start_s, span.end_s)))


def _idle_c(run: _Run) -> str:
    if run.idle is None:
        return "no idle phase"
    return "no temperature readings during the idle phase"


def _peak_c(run: _Run) -> str:
    return "no temperature readings"


def _clock_drop(run: _Run) -> str:
    load = run.load
    if load is None:
        return "no load phase"
    length = load.end_s - load.start_s
    if length < 90.0:
        return (
            f"the load ({length:.0f} s) was shorter than 90 s: the clock 10–30 s into it and in its last"
            " minute would overlap"
        )
    return "no SM clock readings 10–30 s into the load or in its last minute"


def _sustained(run: _Run) -> str:
    if run.load is None:
        return "no load phase"
    if not present(run.series.throughput, range(len(run.series.throughput))):
        return "the workload reported no throughput"
    return "fewer than two 30-s throughput intervals after the load's first 10 s"


def _power_fraction(run: _Run) -> str:
    if run.load is None:
        return "no load phase"
    if run.details.get("power_steady_w") is None:
        return "no power readings in the load's last minute"
    return "no power-limit reading"


def _c_per_w(run: _Run) -> str:
    idle, load = run.idle, run.load
    slope = run.details.get("idle_slope_c_per_min")
    checks: list[tuple[bool, str]] = [
        (idle is None, "no idle phase: no idle power and temperature to compare with"),
        (load is None, "no load phase"),
        (run.details.get("power_idle_w") is None, "no power readings in the idle phase"),
        (run.details.get("power_steady_w") is None, "no power readings in the load's last minute"),
        (run.metrics.get("idle_c") is None, "no idle temperature"),
        (run.metrics.get("steady_c") is None, "no steady temperature (the load did not settle)"),
        (
            run.details.get("idle_settled") is False,
            f"the idle temperature had not settled ({slope:+.2f} °C/min over the idle's last minute)"
            if isinstance(slope, float)
            else "the idle temperature had not settled",
        ),
    ]
    return next((why for failed, why in checks if failed), "the load drew under 1 W more than idle")


def _cooldown(run: _Run) -> str:
    load, cooldown = run.load, run.cooldown
    if cooldown is None or load is None:
        return "no cooldown phase"
    if run.metrics.get("idle_c") is None:
        return "no idle temperature to cool down to"
    if not _has_readings(run.series.temperature_c, run.series, cooldown):
        return "no temperature readings during the cooldown"
    return "did not cool to 5 °C above idle within the cooldown phase"


def _headroom(which: str) -> Callable[[_Run], str]:
    def reason(run: _Run) -> str:
        if run.metrics.get("peak_c") is None:
            return "no temperature readings"
        return f"the {which} temperature is not known"

    return reason


def _throttle(run: _Run) -> str:
    return "no load phase" if run.load is None else "no clock-event reasons or counters were read"


_REASONS: dict[str, Callable[[_Run], str]] = {
    "idle_c": _idle_c,
    "peak_c": _peak_c,
    "clock_drop_percent": _clock_drop,
    "sustained_ratio": _sustained,
    "power_fraction": _power_fraction,
    "c_per_w": _c_per_w,
    "cooldown_s": _cooldown,
    "headroom_to_slowdown_c": _headroom("slowdown"),
    "headroom_to_max_operating_c": _headroom("max operating"),
    "throttle_percent": _throttle,
    "power_capped_percent": _throttle,
}

_PLAIN = {
    "time_to_steady_s": "the temperature did not settle during the load",
    "time_constant_s": "no time constant could be fitted",
    "steady_c": "the temperature did not settle during the load",
}
