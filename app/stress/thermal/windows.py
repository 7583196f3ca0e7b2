"""Picking rows of a series by time, and the summaries the analysis takes over them."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import numpy as np

from app.stress.thermal.fit import FloatArray


def rows_between(times_s: Sequence[float], start_s: float, end_s: float) -> list[int]:
    """Indices of the rows with start_s ≤ t ≤ end_s."""
    return [i for i, t in enumerate(times_s) if start_s <= t <= end_s]


def present(values: Sequence[float | None], rows: Sequence[int]) -> list[float]:
    """The values in `rows` that were read (missing ones left out)."""
    return [v for v in (values[i] for i in rows if i < len(values)) if v is not None]


def mean_of(values: Sequence[float | None], rows: Sequence[int]) -> float | None:
    found = present(values, rows)
    return statistics.fmean(found) if found else None


def median_of(values: Sequence[float | None], rows: Sequence[int]) -> float | None:
    found = present(values, rows)
    return statistics.median(found) if found else None


def pairs(
    times_s: Sequence[float], values: Sequence[float | None], rows: Sequence[int]
) -> tuple[FloatArray, FloatArray]:
    """(times, values) arrays of the rows that have a value."""
    kept = [(times_s[i], values[i]) for i in rows if i < len(values) and values[i] is not None]
    return np.array([t for t, _ in kept], dtype=float), np.array([v for _, v in kept], dtype=float)


def slope_per_min(times_s: FloatArray, values: FloatArray) -> float | None:
    """The least-squares slope in units per minute; `None` with fewer than three points."""
    if len(times_s) < 3 or float(np.ptp(times_s)) <= 0:
        return None
    centred = times_s - times_s.mean()
    return float(np.sum(centred * (values - values.mean())) / np.sum(centred**2)) * 60.0
