"""Is a temperature calm? The one rule the cooling test's idle wait and its analysis share.

Calm: the least-squares slope of the readings over the last 60 s is under 0.5 °C/min either way
(issue 9: a card still cooling from an earlier job has no idle baseline yet). The same 0.5 °C/min
over the same minute is the load's steady-state test (research/stress-and-thermal.md §10.4).

Why a minute and not the issue's 30 s: a sensor read once a second with ±0.2 °C of noise (the
simulated GPU's; NVML's whole degrees are as rough) gives a 30-s slope that scatters ±0.25 °C/min
with no change at all, so a 0.5 °C/min test on it calls a calm card unsettled about one time in
twenty and a card still cooling at 0.8 °C/min calm often enough to matter; over 60 s the scatter
is ±0.09 °C/min. A card cooling as in the trial (63 to 46 °C in a minute, −17 °C/min) fails either.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.stress.thermal.windows import pairs, rows_between, slope_per_min

CALM_SLOPE_C_PER_MIN = 0.5
IDLE_WINDOW_S = 60.0


def idle_slope_c_per_min(
    times_s: Sequence[float], temps: Sequence[float | None], begin_s: float, end_s: float
) -> float | None:
    """The slope over the last 60 s of [begin_s, end_s] (all of it when shorter); `None` with fewer
    than three readings."""
    rows = rows_between(times_s, max(begin_s, end_s - IDLE_WINDOW_S), end_s)
    return slope_per_min(*pairs(times_s, temps, rows))


def is_calm(slope_c_per_min: float | None) -> bool:
    """Under 0.5 °C/min either way; a slope that could not be measured does not hold a test up."""
    return slope_c_per_min is None or abs(slope_c_per_min) < CALM_SLOPE_C_PER_MIN
