"""Hand-made series for the analysis tests: 1 Hz rows over idle, load and cooldown phases."""

from __future__ import annotations

from collections.abc import Callable

from app.stress.records import PhaseSpan
from app.stress.thermal.series import ThermalSeries


def phases(idle_s: float, load_s: float, cooldown_s: float) -> tuple[PhaseSpan, ...]:
    return (
        PhaseSpan("idle", 0.0, idle_s),
        PhaseSpan("load", idle_s, idle_s + load_s),
        PhaseSpan("cooldown", idle_s + load_s, idle_s + load_s + cooldown_s),
    )


def series_of(
    total_s: int, temperature: Callable[[float], float | None], **columns: Callable[[float], object]
) -> ThermalSeries:
    """One row a second from 0 to total_s; each column a function of the time."""
    times = tuple(float(t) for t in range(total_s + 1))
    values = {name: tuple(f(t) for t in times) for name, f in columns.items()}
    return ThermalSeries(times_s=times, temperature_c=tuple(temperature(t) for t in times), **values)  # type: ignore[arg-type]
