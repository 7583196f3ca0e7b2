"""The stress and cooling tests' metrics in words and units: "Sequential write 3.0 GB/s".

One table for every metric key of `aiwm.stress/1` and `aiwm.thermal/1`, read by `aiwm stress`,
the runner's progress line and the window's Tests page, so a number has one name and one format
everywhere. The units come from app/core/units.py (decimal rates for disks, binary sizes for
memory). A key not listed still gets words and a unit, from its name's suffix (`_c`, `_s`, ...).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from app.core.units import NA, format_bytes, format_rate, format_value

Formatter = Callable[[float], str]


def _number(digits: int, unit: str = "") -> Formatter:
    """`value` to `digits` decimals with `unit`; a value that rounds to zero shows as 0, never -0."""

    def show(value: float) -> str:
        rounded = round(value, digits)
        return format_value(0.0 if rounded == 0 else rounded, unit, digits)

    return show


def _seconds(value: float) -> str:
    """Seconds below two minutes, minutes above: "95 s", "2.5 min"."""
    if abs(value) < 120:
        return _number(0, "s")(value)
    return _number(1, "min")(value / 60)


def _fraction_as_percent(value: float) -> str:
    return _number(0, "%")(100 * value)


def _count(value: float) -> str:
    return str(round(value))


LABELS: dict[str, tuple[str, Formatter]] = {
    # stress (aiwm.stress/1)
    "tflops": ("Achieved", _number(1, "TFLOPS")),
    "peak_tflops": ("Catalog peak", _number(1, "TFLOPS")),
    "percent_of_peak": ("Share of peak", _number(0, "%")),
    "gflops": ("Achieved", _number(1, "GFLOPS")),
    "bytes_tested": ("Memory tested", format_bytes),
    "passes": ("Complete passes", _count),
    "seq_write_bytes_per_s": ("Sequential write", format_rate),
    "seq_read_bytes_per_s": ("Sequential read", format_rate),
    "rand_read_iops": ("Random 4 KiB reads", _number(0, "IOPS")),
    "rand_read_p50_ms": ("Random read median latency", _number(2, "ms")),
    "rand_read_p99_ms": ("Random read p99 latency", _number(2, "ms")),
    "small_files_per_s": ("Small files", _number(0, "files/s")),
    # cooling (aiwm.thermal/1)
    "idle_c": ("Idle temperature", _number(0, "°C")),
    "peak_c": ("Peak temperature", _number(0, "°C")),
    "steady_c": ("Steady temperature", _number(0, "°C")),
    "time_to_steady_s": ("Time to steady state", _seconds),
    "time_constant_s": ("Thermal time constant", _seconds),
    "headroom_to_slowdown_c": ("Headroom to slowdown", _number(0, "°C")),
    "headroom_to_max_operating_c": ("Headroom to max operating temperature", _number(0, "°C")),
    "clock_drop_percent": ("Clock drop under load", _number(0, "%")),
    "sustained_ratio": ("Sustained performance (worst / best)", _fraction_as_percent),
    "throttle_percent": ("Time slowed by heat or a fault", _number(0, "%")),
    "power_capped_percent": ("Time at the power limit (normal)", _number(0, "%")),
    "power_fraction": ("Power, share of the limit", _fraction_as_percent),
    "c_per_w": ("Effective °C per W", _number(3, "°C/W")),
    "cooldown_s": ("Cooldown to idle + 5 °C", _seconds),
}

# A key's unit from the end of its name, longest suffix first (`_bytes_per_s` before `_s`).
SUFFIXES: tuple[tuple[str, Formatter], ...] = (
    ("_bytes_per_s", format_rate),
    ("_bytes", format_bytes),
    ("_percent", _number(0, "%")),
    ("_c", _number(0, "°C")),
    ("_w", _number(1, "W")),
    ("_mhz", _number(0, "MHz")),
    ("_ms", _number(2, "ms")),
    ("_s", _seconds),
)


def label(key: str) -> str:
    """The metric's name in words; an unlisted key without its unit suffix ("fan_response_s" → "Fan response")."""
    known = LABELS.get(key)
    if known is not None:
        return known[0]
    stem = next((key[: -len(suffix)] for suffix, _ in SUFFIXES if key.endswith(suffix) and key != suffix), key)
    return stem.replace("_", " ").strip().capitalize()


def value_text(key: str, value: float | None) -> str:
    """The value with its unit, or "n/a" (also for NaN and infinities)."""
    if value is None or not math.isfinite(value):
        return NA
    known = LABELS.get(key)
    if known is not None:
        return known[1](value)
    formatter = next((f for suffix, f in SUFFIXES if key.endswith(suffix)), _number(2))
    return formatter(value)


def metric_line(key: str, value: float | None) -> str:
    """ "Sequential write: 3.0 GB/s" — one metric for a line of text."""
    return f"{label(key)}: {value_text(key, value)}"


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 error", "2 errors", "1 iteration": the count with its noun."""
    return f"{count} {word if count == 1 else words or word + 's'}"
