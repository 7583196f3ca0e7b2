"""Graphs as data (`{id, section, title, unit, series, bands, thresholds}`), downsampled so a
24-hour history at 1 s still draws as at most `MAX_POINTS` points per series.

Downsampling keeps each bucket's mean, and also its extreme where the bucket holds one that
matters (a peak temperature must not vanish): each bucket gives its mean point, except that the
series' overall maximum and minimum points are kept exactly.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

MAX_POINTS = 600


def downsample(
    times_s: np.ndarray, values: np.ndarray, max_points: int = MAX_POINTS
) -> tuple[list[float], list[float | None]]:
    """At most `max_points` (t, v) pairs: bucket means of equal-count buckets; NaN becomes None.

    The single highest and lowest readings replace their buckets' means, so the graph shows the
    true peak and trough (the summary's max must appear on the graph)."""
    n = int(times_s.size)
    if n <= max_points:
        return [float(t) for t in times_s], [_value(v) for v in values]
    edges = np.linspace(0, n, max_points + 1).astype(int)
    t_out, v_out = [], []
    peak = _index_of(values, np.nanargmax)
    trough = _index_of(values, np.nanargmin)
    for lo, hi in itertools.pairwise(edges):
        chunk = values[lo:hi]
        special = next((i for i in (peak, trough) if i is not None and lo <= i < hi), None)
        if special is not None:
            t_out.append(float(times_s[special]))
            v_out.append(_value(values[special]))
            continue
        valid = chunk[~np.isnan(chunk)]
        t_out.append(float(times_s[lo:hi].mean()))
        v_out.append(float(valid.mean()) if valid.size else None)
    return t_out, v_out


def _index_of(values: np.ndarray, pick: Any) -> int | None:
    if values.size == 0 or bool(np.isnan(values).all()):
        return None
    return int(pick(values))


def _value(v: float) -> float | None:
    number = float(v)
    return None if math.isnan(number) else number


def graph(
    graph_id: str,
    section: str,
    title: str,
    unit: str | None,
    series: list[dict[str, Any]],
    bands: list[dict[str, Any]] | None = None,
    thresholds: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One graph in the document's agreed shape."""
    return {
        "id": graph_id,
        "section": section,
        "title": title,
        "unit": unit,
        "series": series,
        "bands": bands or [],
        "thresholds": thresholds or [],
    }


def series(label: str, times_s: np.ndarray, values: np.ndarray) -> dict[str, Any]:
    t, v = downsample(np.asarray(times_s, float), np.asarray(values, float))
    return {"label": label, "t": t, "v": v}
