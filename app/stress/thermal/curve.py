"""The load's temperature curve: when it settled, its time constant, its steady temperature.

Settled: the 60-s least-squares slope fell under 0.5 °C/min and stayed there for a further 60 s
(research/stress-and-thermal.md §10.4). The steady temperature is the mean of the load's last
minute, and only of a load that settled: a curve cut short (by the plan or by the safety guard)
has no steady temperature. What the fitted first-order curve projects is kept beside it, marked
as a projection, and never where the guard stopped the load (a projection beyond the slowdown or
shutdown temperature of a card that was stopped there means nothing). The fitted τ is reported
when the load lasted at least two of it (86 % of the rise seen); a shorter curve gives a τ that
the noise decides.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.stress.thermal.fit import FloatArray, StepFit, fit_step_response
from app.stress.thermal.windows import rows_between, slope_per_min

STEADY_WINDOW_S = 60.0  # T_ss is the mean of the load's last minute; the slope test looks at one minute
STEADY_SLOPE_C_PER_MIN = 0.5
MIN_SPANS_OF_TAU = 2.0  # a time constant is reported when the load lasted at least 2 τ


@dataclass(frozen=True)
class Curve:
    """What the load's temperature curve says, each value `None` with its reason in `missing`."""

    time_to_steady_s: float | None
    time_constant_s: float | None
    steady_from_last_minute: bool  # the load settled: T_ss is the mean of its last minute
    projected_c: float | None  # the fitted asymptote of a curve that did not settle, if it means anything
    settle_needed_s: float | None  # about how long this curve needed to settle, by a fit to trust
    fit: StepFit | None
    missing: dict[str, str]


def load_curve(
    times_s: FloatArray, temps: FloatArray, load_s: float, stopped_by_guard: bool, ceiling_c: float | None = None
) -> Curve:
    """The curve of the load's readings (times from the load's start); `ceiling_c` is the slowdown
    temperature, beyond which a projection means nothing (the card would have throttled there)."""
    if len(times_s) == 0:
        none = "no temperature readings during the load"
        missing = dict.fromkeys(("time_to_steady_s", "time_constant_s", "steady_c"), none)
        return Curve(None, None, False, None, None, None, missing)
    settled_at = time_to_steady_s(times_s, temps)
    fit = fit_step_response(times_s, temps)
    tau, missing = _time_constant(fit, load_s, stopped_by_guard)
    trusted = fit if tau is not None else None  # a curve too short for its τ predicts nothing either
    needed = settle_time_s(trusted) if trusted is not None else None
    projected = None
    if settled_at is None:
        if trusted is not None and not stopped_by_guard and (ceiling_c is None or trusted.steady_c <= ceiling_c):
            projected = trusted.steady_c
        unsettled = _unsettled_reason(load_s, stopped_by_guard)
        projection = f"; the fitted curve projects {projected:.1f} °C" if projected is not None else ""
        missing.update(time_to_steady_s=unsettled, steady_c=unsettled + projection)
    return Curve(settled_at, tau, settled_at is not None, projected, needed, fit, missing)


def _time_constant(fit: StepFit | None, load_s: float, stopped_by_guard: bool) -> tuple[float | None, dict[str, str]]:
    if fit is None:
        return None, {"time_constant_s": "fewer than 8 temperature readings during the load"}
    if fit.at_search_edge:
        return None, {"time_constant_s": "the load phase was too short for the curve to bend"}
    if load_s < MIN_SPANS_OF_TAU * fit.time_constant_s:
        cut = "the safety guard stopped the load after" if stopped_by_guard else "the load lasted"
        fitted = fit.time_constant_s
        return None, {
            "time_constant_s": f"{cut} {load_s:.0f} s, under 2 time constants (the fit gives ~{fitted:.0f} s):"
            " too short to fit one reliably"
        }
    return fit.time_constant_s, {}


def _unsettled_reason(load_s: float, stopped_by_guard: bool) -> str:
    if stopped_by_guard:
        return f"the safety guard stopped the load after {load_s:.0f} s, before the temperature settled"
    return (
        f"the temperature had not settled when the load stopped after {load_s:.0f} s (settled: the 60-s slope"
        " stays under 0.5 °C/min for 60 s)"
    )


def settle_time_s(fit: StepFit) -> float:
    """About when the fitted curve meets the settle rule: its 60-s slope (the slope at the window's
    middle) falls under 0.5 °C/min at t − 30 = τ·ln(60·|A|/(τ·0.5)), and holds for 60 s more."""
    amplitude = abs(fit.steady_c - fit.start_c)
    ratio = 60.0 * amplitude / (fit.time_constant_s * STEADY_SLOPE_C_PER_MIN)
    under_at = 30.0 + fit.time_constant_s * math.log(ratio) if ratio > 1 else 0.0
    return max(under_at, STEADY_WINDOW_S) + STEADY_WINDOW_S


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


def last_window(times_s: Sequence[float], start_s: float, end_s: float, window_s: float = STEADY_WINDOW_S) -> list[int]:
    """Rows of a span's last `window_s` (all of it when shorter)."""
    return rows_between(times_s, max(start_s, end_s - window_s), end_s)
