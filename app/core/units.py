"""Human units for numbers shown to people: GiB, MB/s, degC, W. Missing (`None`, NaN) shows as "n/a".

A value moves to the next unit when its printed form would reach the base: 1023.999 KiB shows
as "1.00 MiB", never "1024.00 KiB", and 999.96 B/s as "1.0 kB/s", never "1000.0 B/s".
"""

from __future__ import annotations

import math

NA = "n/a"
BINARY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")
RATE_UNITS = ("B/s", "kB/s", "MB/s", "GB/s")


def _missing(value: float | None) -> bool:
    """No reading: `None`, or NaN/infinity (a history gap, a failed division)."""
    return value is None or not math.isfinite(value)


def _unit_index(value: float, base: float, units: tuple[str, ...], digits: int) -> int:
    """Index of the first unit in which `value` prints below `base` (the last unit takes any size)."""
    for index in range(len(units) - 1):
        if round(abs(value) / base**index, digits) < base:
            return index
    return len(units) - 1


def format_bytes(value: float | None) -> str:
    """Binary units, as memory is sold and as nvidia-smi counts it: 23.99 GiB (whole bytes below 1 KiB)."""
    if value is None or _missing(value):
        return NA
    if round(abs(value)) < 1024:
        return f"{value:.0f} B"
    index = 1 + _unit_index(value / 1024, 1024.0, BINARY_UNITS[1:], 2)
    return f"{value / 1024.0**index:.2f} {BINARY_UNITS[index]}"


def format_bytes_of(used: float | None, total: float | None) -> str:
    """Used of total in the total's unit, one decimal: 20.0 / 24.0 GiB."""
    if used is None or total is None or _missing(used) or _missing(total):
        return f"{format_bytes(used)} / {format_bytes(total)}"
    index = _unit_index(total, 1024.0, BINARY_UNITS, 1)
    scale = 1024.0**index
    return f"{used / scale:.1f} / {total / scale:.1f} {BINARY_UNITS[index]}"


def format_rate(bytes_per_s: float | None) -> str:
    """Decimal units, as disks and networks are rated: 512.0 MB/s."""
    if bytes_per_s is None or _missing(bytes_per_s):
        return NA
    index = _unit_index(bytes_per_s, 1000.0, RATE_UNITS, 1)
    return f"{bytes_per_s / 1000.0**index:.1f} {RATE_UNITS[index]}"


def format_value(value: float | None, unit: str, digits: int = 0) -> str:
    """A reading with its unit (`unit` may be empty), or "n/a"."""
    return NA if value is None or _missing(value) else f"{value:.{digits}f} {unit}".rstrip()


def percent(value: float | None) -> str:
    return format_value(value, "%")


def celsius(value: float | None) -> str:
    return format_value(value, "°C")


def watts(value: float | None) -> str:
    return format_value(value, "W")


def mhz(value: float | None) -> str:
    return format_value(value, "MHz")
