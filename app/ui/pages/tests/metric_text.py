"""Test metrics in words and units: "Steady temperature 78 °C", or "n/a" with the reason.

The keys are the `aiwm.stress/1` and `aiwm.thermal/1` metric names (issue 9), listed in
app/stress/metric_text.py with the command line's words; a key not listed there is still shown,
with its unit read from the name's suffix (`_c`, `_s`, `_percent`, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime

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
    """The metric's name in words; an unlisted key without its unit suffix (the value shows the unit)."""
    known = LABELS.get(key)
    if known:
        return known[0]
    suffix = next((s for s, _ in _SUFFIXES if key.endswith(s) and len(key) > len(s)), "")
    return key.removesuffix(suffix).replace("_", " ").capitalize()


_NEGATIVE_ZERO = re.compile(r"-(0(?:\.0+)?)(?=\s|$)")


def value_text(key: str, value: float | None) -> str:
    """The value with its unit, or "n/a" (also for NaN and infinities); never "-0 °C"."""
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return NA
    known = LABELS.get(key)
    if known is not None:
        return _NEGATIVE_ZERO.sub(r"\1", known[1](value))
    formatter = next((f for suffix, f in _SUFFIXES if key.endswith(suffix)), lambda v: format_value(v, "", 2))
    return _NEGATIVE_ZERO.sub(r"\1", formatter(value))


def metrics_text(metrics: Mapping[str, float | None]) -> str:
    """ "Sequential write 2.99 GB/s · Random 4 KiB reads 44280 IOPS": the metrics read so far, in
    words and units (the missing ones left out)."""
    return " · ".join(f"{label(key)} {value_text(key, value)}" for key, value in metrics.items() if value is not None)


def time_text(iso_utc: str) -> str:
    """ "2026-11-28T14:00:00.123Z" as "2026-11-28 14:00:00 UTC"; anything else as it is."""
    try:
        moment = datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
    except ValueError:
        return iso_utc
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def missing_reason(key: str, details: Mapping[str, object], aborted: bool) -> str:
    """Why a metric is `None`: the result's own word (`details["missing"][key]`) when it gives one."""
    missing = details.get("missing")
    if isinstance(missing, Mapping) and isinstance(missing.get(key), str):
        return str(missing[key])
    if aborted:
        return "the test stopped before this was measured"
    return "not measured in this run; the result gives no reason"
