"""Human units for numbers shown to people: GiB, MB/s, degC, W. `None` shows as "n/a"."""

from __future__ import annotations

NA = "n/a"


def format_bytes(value: float | None) -> str:
    """Binary units, as memory is sold and as nvidia-smi counts it: 23.99 GiB."""
    if value is None:
        return NA
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.2f} {unit}"
        value /= 1024
    return NA  # unreachable; keeps type checkers content


def format_bytes_of(used: float | None, total: float | None) -> str:
    """Used of total in the total's unit, one decimal: 20.0 / 24.0 GiB."""
    if used is None or total is None:
        return f"{format_bytes(used)} / {format_bytes(total)}"
    unit, scale = next(
        (
            (u, 1024.0**k)
            for k, u in enumerate(("B", "KiB", "MiB", "GiB", "TiB"))
            if total < 1024.0 ** (k + 1) or u == "TiB"
        )
    )
    return f"{used / scale:.1f} / {total / scale:.1f} {unit}"


def format_rate(bytes_per_s: float | None) -> str:
    """Decimal units, as disks and networks are rated: 512.0 MB/s."""
    if bytes_per_s is None:
        return NA
    for unit in ("B/s", "kB/s", "MB/s", "GB/s"):
        if abs(bytes_per_s) < 1000 or unit == "GB/s":
            return f"{bytes_per_s:.1f} {unit}"
        bytes_per_s /= 1000
    return NA


def format_value(value: float | None, unit: str, digits: int = 0) -> str:
    return NA if value is None else f"{value:.{digits}f} {unit}".rstrip()


def percent(value: float | None) -> str:
    return format_value(value, "%")


def celsius(value: float | None) -> str:
    return format_value(value, "°C")


def watts(value: float | None) -> str:
    return format_value(value, "W")


def mhz(value: float | None) -> str:
    return format_value(value, "MHz")
