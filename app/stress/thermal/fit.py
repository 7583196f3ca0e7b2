"""The first-order step response T(t) = T_ss − (T_ss − T_0)·e^(−t/τ), fitted by least squares.

For a fixed τ the model is linear in (T_ss, T_ss − T_0), so those are solved exactly and only τ
is searched: a log-spaced scan, then a golden-section refinement around the best point. No
SciPy needed, and the search cannot wander off as a three-parameter Newton fit can on a flat start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MIN_POINTS = 8
_GOLDEN = (math.sqrt(5) - 1) / 2

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class StepFit:
    """The fitted curve: asymptote, start, time constant and the root-mean-square residual."""

    steady_c: float
    start_c: float
    time_constant_s: float
    rms_c: float
    at_search_edge: bool  # τ hit the longest tried: the curve is still nearly a straight line


def fit_step_response(times_s: FloatArray, values: FloatArray) -> StepFit | None:
    """Fit the step response to (times from the step, values); `None` with too few points."""
    if len(times_s) < MIN_POINTS or float(np.ptp(times_s)) <= 0:
        return None
    span = float(times_s[-1] - times_s[0])
    low, high = max(span / 1000, 1e-3), span * 50
    grid = np.geomspace(low, high, 400)
    errors = [_residual(times_s, values, tau)[0] for tau in grid]
    best = int(np.argmin(errors))
    tau = _refine(times_s, values, grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)])
    rss, steady, amplitude = _residual(times_s, values, tau)
    return StepFit(
        steady_c=steady,
        start_c=steady - amplitude,
        time_constant_s=tau,
        rms_c=math.sqrt(rss / len(times_s)),
        at_search_edge=best == len(grid) - 1,
    )


def _residual(times_s: FloatArray, values: FloatArray, tau: float) -> tuple[float, float, float]:
    """Sum of squared residuals for τ, with T_ss and the amplitude (T_ss − T_0) solved exactly."""
    decay = np.exp(-(times_s - times_s[0]) / tau)
    design = np.column_stack([np.ones_like(decay), -decay])
    (steady, amplitude), *_ = np.linalg.lstsq(design, values, rcond=None)
    rss = float(np.sum((design @ np.array([steady, amplitude]) - values) ** 2))
    return rss, float(steady), float(amplitude)


def _refine(times_s: FloatArray, values: FloatArray, low: float, high: float) -> float:
    """Golden-section search for the τ with the least residual in [low, high] (in log τ)."""
    a, b = math.log(low), math.log(high)
    for _ in range(60):
        c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
        if _residual(times_s, values, math.exp(c))[0] < _residual(times_s, values, math.exp(d))[0]:
            b = d
        else:
            a = c
    return math.exp((a + b) / 2)
