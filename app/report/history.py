"""The report's history: every metric's readings over the period, from session files or the
window's `History`, summarised as min / mean / max with the metric catalog's words and units.

Session files are read whole (a 24-hour recording at 1 s is ~86,000 rows per source); `since_s`
keeps the last N seconds before the newest reading. The window's History gives 10-s buckets
beyond 15 minutes, so its min and max come from the buckets' own min and max.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.core.metric_catalog import lookup
from app.core.sampling.history import LONG_WINDOW_S, History
from app.core.sessions.reader import Session


@dataclass(frozen=True)
class MetricHistory:
    """One metric's readings over the period, oldest first (NaN where a reading was missing)."""

    name: str
    times_s: np.ndarray  # UNIX epoch seconds
    values: np.ndarray
    minimum: np.ndarray | None = None  # bucket minima, where the values are bucket means
    maximum: np.ndarray | None = None


@dataclass(frozen=True)
class Alert:
    wall_s: float
    kind: str  # "fired" or "cleared"
    message: str


@dataclass(frozen=True)
class PeriodHistory:
    """Everything the history section needs: the span, where it came from, the metrics, the alerts."""

    source: str
    start_s: float | None
    end_s: float | None
    simulated: bool
    metrics: dict[str, MetricHistory] = field(default_factory=dict)
    alerts: tuple[Alert, ...] = ()
    inventory_gpus: tuple[dict[str, object], ...] = ()


def from_sessions(paths: Sequence[Path], since_s: float | None = None) -> PeriodHistory:
    """The readings of the session files, merged in time order; `SessionFileError` for a bad file."""
    columns: dict[str, tuple[list[float], list[float]]] = {}
    alerts: list[Alert] = []
    simulated = False
    gpus: tuple[dict[str, object], ...] = ()
    for path in paths:
        with Session(path) as session:
            simulated = simulated or session.simulated
            gpus = gpus or tuple((session.meta.get("inventory") or {}).get("gpus") or ())
            for stored in session.samples():
                for name, value in stored.metrics.items():
                    times, values = columns.setdefault(name, ([], []))
                    times.append(stored.tick_wall_s)
                    values.append(math.nan if value is None else float(value))
            alerts += [
                Alert(wall, kind.removeprefix("alert_"), text)
                for wall, kind, text in session.events()
                if kind.startswith("alert_")
            ]
    metrics = {name: _sorted(name, times, values) for name, (times, values) in columns.items()}
    end = max((float(m.times_s[-1]) for m in metrics.values() if m.times_s.size), default=None)
    start = None if end is None or since_s is None else end - since_s
    if start is not None:
        metrics = {name: _after(m, start) for name, m in metrics.items()}
        alerts = [a for a in alerts if a.wall_s > start]
    if start is None:
        start = min((float(m.times_s[0]) for m in metrics.values() if m.times_s.size), default=None)
    source = "session " + ", ".join(str(p) for p in paths)
    return PeriodHistory(source, start, end, simulated, metrics, tuple(sorted(alerts, key=lambda a: a.wall_s)), gpus)


def from_window(history: History, since_s: float | None = None, simulated: bool = False) -> PeriodHistory:
    """The window's history over the last `since_s` seconds (all it holds, 24 hours, by default)."""
    window = LONG_WINDOW_S if since_s is None else since_s
    end = history.newest_time()
    metrics = {}
    for name in history.metric_names():
        series = history.series(name, window)
        metrics[name] = MetricHistory(
            name, np.asarray(series.times_s, float), np.asarray(series.values, float), series.minimum, series.maximum
        )
    start = (
        None
        if end is None
        else max(end - window, min((float(m.times_s[0]) for m in metrics.values() if m.times_s.size), default=end))
    )
    return PeriodHistory("the window's history", start, end, simulated, metrics)


def _sorted(name: str, times: list[float], values: list[float]) -> MetricHistory:
    t, v = np.asarray(times, float), np.asarray(values, float)
    order = np.argsort(t, kind="stable")  # several session files may overlap or come in any order
    return MetricHistory(name, t[order], v[order])


def _after(metric: MetricHistory, start_s: float) -> MetricHistory:
    keep = metric.times_s > start_s
    return MetricHistory(metric.name, metric.times_s[keep], metric.values[keep])


def metric_summary(metric: MetricHistory) -> dict[str, object] | None:
    """{name, label, unit, description, min, mean, max, samples} from the catalog; None without a reading."""
    valid = ~np.isnan(metric.values)
    count = int(valid.sum())
    if count == 0:
        return None
    low = metric.minimum if metric.minimum is not None else metric.values
    high = metric.maximum if metric.maximum is not None else metric.values
    spec = lookup(metric.name)
    return {
        "name": metric.name,
        "label": label_of(metric.name),
        "unit": spec.unit if spec else None,
        "description": spec.description if spec else "not in the metric catalog",
        "min": float(np.nanmin(low)),
        "mean": float(np.mean(metric.values[valid])),
        "max": float(np.nanmax(high)),
        "samples": count,
    }


def label_of(name: str) -> str:
    """The catalog's label with the device it is about: "GPU 0: GPU temperature", "nvme0n1: Disk read"."""
    spec = lookup(name)
    if spec is None:
        return name
    match = spec.regex.match(name)
    parts = match.groupdict() if match else {}
    if parts.get("gpu") is not None:
        return f"GPU {parts['gpu']}: {spec.label}"
    device = parts.get("disk") or parts.get("nic") or (f"core {parts['core']}" if parts.get("core") else None)
    return f"{device}: {spec.label}" if device else spec.label
