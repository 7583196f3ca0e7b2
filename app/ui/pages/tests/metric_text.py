"""Test metrics in words and units: "Steady temperature 78 °C", or "n/a" with the reason.

The keys are the `aiwm.stress/1` and `aiwm.thermal/1` metric names (issue 9), listed in
app/stress/metric_text.py with the command line's words; a key not listed there is still shown,
with its unit read from the name's suffix (`_c`, `_s`, `_percent`, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app.core.units import NA, celsius, format_bytes, format_rate, format_value, percent
from app.stress.metric_text import LABELS  # one name and format per metric, shared with `aiwm stress`

Formatter = Callable[[float], str]


def _seconds(value: float) -> str:
    if abs(value) < 120:
        return f"{value:.0f} s"
    return f"{value / 60:.1f} min"


_SUFFIXES: tuple[tuple[str, Formatter], ...] = (
    ("_bytes_per_s", format_rate),
    ("_bytes", format_bytes),
    ("_percent", percent),
    ("_c", celsius),
    ("_w", lambda v: format_value(v, "W", 1)),
    ("_mhz", lambda v: format_value(v, "MHz")),
    ("_ms", lambda v: format_value(v, "ms", 2)),
    ("_s", _seconds),
)


def label(key: str) -> str:
    """The metric's name in words."""
    known = LABELS.get(key)
    return known[0] if known else key.replace("_", " ").capitalize()


def value_text(key: str, value: float | None) -> str:
    """The value with its unit, or "n/a" (also for NaN and infinities)."""
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return NA
    known = LABELS.get(key)
    if known is not None:
        return known[1](value)
    formatter = next((f for suffix, f in _SUFFIXES if key.endswith(suffix)), lambda v: format_value(v, "", 2))
    return formatter(value)


def missing_reason(key: str, details: Mapping[str, object], aborted: bool) -> str:
    """Why a metric is `None`: the result's own word (`details["missing"][key]`) when it gives one."""
    missing = details.get("missing")
    if isinstance(missing, Mapping) and isinstance(missing.get(key), str):
        return str(missing[key])
    if aborted:
        return "the test stopped before this was measured"
    return "not measured in this run; the result gives no reason"
