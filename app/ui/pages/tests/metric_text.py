"""Test metrics in words and units: "Steady temperature 78 °C", or "n/a" with the reason.

The keys are the `aiwm.stress/1` and `aiwm.thermal/1` metric names (issue 9); a key not listed
here is still shown, with its unit read from the name's suffix (`_c`, `_s`, `_percent`, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime

from app.core.units import NA, celsius, format_bytes, format_rate, format_value, percent

Formatter = Callable[[float], str]


def _seconds(value: float) -> str:
    if abs(value) < 120:
        return f"{value:.0f} s"
    return f"{value / 60:.1f} min"


def _fraction_as_percent(value: float) -> str:
    return f"{100 * value:.0f} %"


LABELS: dict[str, tuple[str, Formatter]] = {
    # stress (aiwm.stress/1)
    "tflops": ("Achieved", lambda v: format_value(v, "TFLOPS", 1)),
    "peak_tflops": ("Catalog peak", lambda v: format_value(v, "TFLOPS", 1)),
    "percent_of_peak": ("Share of peak", percent),
    "gflops": ("Achieved", lambda v: format_value(v, "GFLOPS", 1)),
    "bytes_tested": ("Memory tested", format_bytes),
    "seq_write_bytes_per_s": ("Sequential write", format_rate),
    "seq_read_bytes_per_s": ("Sequential read", format_rate),
    "rand_read_iops": ("Random 4 KiB reads", lambda v: format_value(v, "IOPS")),
    "rand_read_p50_ms": ("Random read p50 latency", lambda v: format_value(v, "ms", 2)),
    "rand_read_p99_ms": ("Random read p99 latency", lambda v: format_value(v, "ms", 2)),
    "small_files_per_s": ("Small files", lambda v: format_value(v, "files/s")),
    "passes": ("Passes", lambda v: format_value(v, "")),
    # cooling (aiwm.thermal/1)
    "idle_c": ("Idle temperature", celsius),
    "peak_c": ("Peak temperature", celsius),
    "steady_c": ("Steady temperature", celsius),
    "time_to_steady_s": ("Time to steady state", _seconds),
    "time_constant_s": ("Thermal time constant", _seconds),
    "headroom_to_slowdown_c": ("Headroom to slowdown", celsius),
    "headroom_to_max_operating_c": ("Headroom to max operating", celsius),
    "clock_drop_percent": ("Clock drop under load", percent),
    "sustained_ratio": ("Sustained performance (worst / best)", _fraction_as_percent),
    "throttle_percent": ("Time slowed by heat or a fault", percent),
    "power_capped_percent": ("Time at the power limit (normal)", percent),
    "power_fraction": ("Power, share of the limit", _fraction_as_percent),
    "c_per_w": ("Effective °C per W", lambda v: format_value(v, "°C/W", 3)),
    "cooldown_s": ("Cooldown to idle + 5 °C", _seconds),
}

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
