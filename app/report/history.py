"""The report's history: every metric's readings over the period, from session files or the
window's `History`, summarised as min / mean / max with the metric catalog's words and units.

Session files are read whole (a 24-hour recording at 1 s is ~86,000 rows per source); `since_s`
keeps the last N seconds before the newest reading, and the period is clipped to the readings (a
7-day `since` over a 30-minute session is a 30-minute period). The window's History gives 10-s
buckets beyond 15 minutes, so its min and max come from the buckets' own min and max.

Cumulative counters (the metric catalog's kind "counter": seconds of throttling since the driver
loaded) are summarised by their increase over the period, not by a min / mean / max of the count.
Sessions are merged only when they agree on which GPU (UUID) each index is: two recordings of
different GPUs never become one "gpu0" series.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.core.errors import SessionFileError, UserError
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
    # for a cumulative counter: how much it grew over the period, and over how many seconds of readings
    increase: float | None = None
    increase_over_s: float | None = None


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
    time_scale: float = 1.0  # > 1: recorded with --time-scale, the times are the simulated clock's
    requested_s: float | None = None  # the `since` asked for, when one was
    real_seconds: float | None = None  # how long the recording took in real time, at a time scale


def from_sessions(paths: Sequence[Path], since_s: float | None = None) -> PeriodHistory:
    """The readings of the session files, merged in time order; `SessionFileError` for a bad file,
    `UserError` for sessions that recorded different GPUs under the same index."""
    sessions = [Session(path) for path in paths]
    try:
        gpus = _one_machines_gpus(sessions)
        ends = [t for t in (s.last_tick() for s in sessions) if t is not None]
        after = None if since_s is None or not ends else max(ends) - since_s
        columns: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        alerts: list[Alert] = []
        for session in sessions:
            for name, pair in _session_columns(session, after).items():
                columns.setdefault(name, []).append(pair)
            alerts += _alerts(session, after)
        simulated = any(s.simulated for s in sessions)
        time_scale, real_s = _time_scale(sessions)
        began = [float(t) for s in sessions if isinstance(t := s.meta.get("started_at"), int | float)]
    finally:
        for session in sessions:
            session.close()
    metrics = {name: _merged(name, parts) for name, parts in columns.items()}
    end = max((float(m.times_s[-1]) for m in metrics.values() if m.times_s.size), default=None)
    first = min((float(m.times_s[0]) for m in metrics.values() if m.times_s.size), default=None)
    if after is not None and first is not None:  # the readings cover the `since` from where the recording began
        first = max(after, min([first, *began]))
    source = "session " + ", ".join(str(p) for p in paths)
    return PeriodHistory(
        source,
        first,  # what the recordings cover, however long the `since` asked for
        end,
        simulated,
        metrics,
        tuple(sorted(alerts, key=lambda a: a.wall_s)),
        gpus,
        time_scale,
        since_s,
        real_s,
    )


def _one_machines_gpus(sessions: Sequence[Session]) -> tuple[dict[str, object], ...]:
    """The GPUs the sessions recorded, by index; refused when two sessions hold different GPUs
    (UUIDs) under one index, whose readings would otherwise merge into one series."""
    seen: dict[object, tuple[Session, dict[str, object]]] = {}
    for session in sessions:
        for gpu in (session.meta.get("inventory") or {}).get("gpus") or ():
            if not isinstance(gpu, dict):
                continue
            earlier = seen.setdefault(gpu.get("index"), (session, gpu))
            if earlier[1].get("uuid") and gpu.get("uuid") and earlier[1]["uuid"] != gpu["uuid"]:
                raise UserError(
                    f"{earlier[0].path} and {session.path} recorded different GPUs as GPU {gpu.get('index')} "
                    f"({_gpu_words(earlier[1])} and {_gpu_words(gpu)}); a report's history merges the sessions "
                    "of one machine only: make one report per machine"
                )
    return tuple(gpu for _, gpu in seen.values())


def _gpu_words(gpu: dict[str, object]) -> str:
    return f"{gpu.get('name') or 'unnamed'} {gpu.get('uuid')}"


def _time_scale(sessions: Sequence[Session]) -> tuple[float, float | None]:
    """The largest time scale the sessions were recorded at, and the real seconds the scaled ones took."""
    scales = [float(s.meta.get("time_scale") or 1.0) for s in sessions]
    scale = max(scales, default=1.0)
    if scale <= 1.0:
        return 1.0, None
    real = 0.0
    for session, k in zip(sessions, scales, strict=True):
        started, last = session.meta.get("started_at"), session.last_tick()
        if isinstance(started, int | float) and last is not None:
            real += max(0.0, last - float(started)) / k
    return scale, real


def _alerts(session: Session, after: float | None) -> list[Alert]:
    return [
        Alert(wall, kind.removeprefix("alert_"), text)
        for wall, kind, text in session.events()
        if kind.startswith("alert_") and (after is None or wall > after)
    ]


def _session_columns(session: Session, after: float | None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every metric of one session as (times, values) arrays, decoded a source at a time."""
    by_source: dict[str, tuple[list[float], list[str]]] = {}
    for tick, source, text in session.metric_rows(after):
        times, texts = by_source.setdefault(source, ([], []))
        times.append(float(tick))
        texts.append(text)
    columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for times, texts in by_source.values():
        try:
            columns.update(_decode_source(np.asarray(times, float), texts))
        except (ValueError, TypeError, AttributeError) as error:
            raise SessionFileError(f"{session.path}: session file is damaged (metrics: {error})") from None
    return columns


def _decode_source(times: np.ndarray, texts: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """One source's rows: where every row has the first row's metrics in the same order (the usual
    case) they become one 2-D array in a single step; rows that differ are added metric by metric."""
    reference: list[str] | None = None
    rows: list[tuple[float, ...]] = []
    same = np.zeros(len(texts), bool)
    odd: dict[str, tuple[list[float], list[float]]] = {}
    # one JSON array per source: one decoder call instead of one per row; null as NaN for float arrays
    decoded = json.loads("[" + ",".join(texts).replace(": null", ": NaN") + "]")
    for index, metrics in enumerate(decoded):
        if reference is None:
            reference = list(metrics)
        if list(metrics) == reference:
            rows.append(tuple(metrics.values()))
            same[index] = True
            continue
        for name, value in metrics.items():
            t, v = odd.setdefault(name, ([], []))
            t.append(float(times[index]))
            v.append(float(value))
    table = np.array(rows, float).reshape(len(rows), len(reference or ()))
    columns = {name: (times[same], table[:, i]) for i, name in enumerate(reference or ())}
    for name, (t, v) in odd.items():
        parts = [columns[name]] if name in columns else []
        parts.append((np.asarray(t, float), np.asarray(v, float)))
        columns[name] = (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))
    return columns


def from_window(
    history: History, since_s: float | None = None, simulated: bool = False, time_scale: float = 1.0
) -> PeriodHistory:
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
    scale = time_scale if time_scale > 1.0 else 1.0
    return PeriodHistory("the window's history", start, end, simulated, metrics, time_scale=scale, requested_s=since_s)


def _merged(name: str, parts: list[tuple[np.ndarray, np.ndarray]]) -> MetricHistory:
    t = np.concatenate([p[0] for p in parts])
    v = np.concatenate([p[1] for p in parts])
    if t.size > 1 and bool(np.any(np.diff(t) < 0)):  # several files, or rows that differed: put in time order
        order = np.argsort(t, kind="stable")
        t, v = t[order], v[order]
    if not is_counter(name):
        return MetricHistory(name, t, v)
    rises = [counter_increase(*part) for part in parts]  # per file: the gap between two recordings is not counted
    return MetricHistory(name, t, v, increase=sum(r[0] for r in rises), increase_over_s=sum(r[1] for r in rises))


def is_counter(name: str) -> bool:
    """A cumulative counter in the metric catalog (e.g. seconds of throttling since the driver loaded)."""
    spec = lookup(name)
    return spec is not None and spec.kind == "counter"


def counter_increase(times_s: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """How much a cumulative counter grew, and over how many seconds of readings. Only rises count:
    a counter that starts again from zero (the driver reloaded) neither subtracts nor counts its drop."""
    valid = ~np.isnan(values)
    t, v = times_s[valid], values[valid]
    if t.size < 2:
        return 0.0, 0.0
    order = np.argsort(t, kind="stable")
    t, v = t[order], v[order]
    steps = np.diff(v)
    return float(steps[steps > 0].sum()), float(t[-1] - t[0])


def metric_summary(metric: MetricHistory) -> dict[str, object] | None:
    """{name, label, unit, description, kind, min, mean, max, samples} from the catalog; None without
    a reading. A cumulative counter has no min / mean / max (null) but `increase` over
    `increase_over_s` seconds of readings: "1678 s of 1799 s held back by the power limit"."""
    valid = ~np.isnan(metric.values)
    count = int(valid.sum())
    if count == 0:
        return None
    spec = lookup(metric.name)
    summary: dict[str, object] = {
        "name": metric.name,
        "label": label_of(metric.name),
        "unit": spec.unit if spec else None,
        "description": spec.description if spec else "not in the metric catalog",
        "kind": spec.kind if spec else "gauge",
        "samples": count,
    }
    if spec is not None and spec.kind == "counter":
        increase, over_s = (
            (metric.increase, metric.increase_over_s)
            if metric.increase is not None and metric.increase_over_s is not None
            else counter_increase(metric.times_s, metric.values)
        )
        rise = {"increase": round(increase, 6), "increase_over_s": round(over_s, 3)}  # no float noise (123.34399999…)
        return {**summary, "min": None, "mean": None, "max": None, **rise}
    low = metric.minimum if metric.minimum is not None else metric.values
    high = metric.maximum if metric.maximum is not None else metric.values
    return {
        **summary,
        "min": float(np.nanmin(low)),
        "mean": float(np.mean(metric.values[valid])),
        "max": float(np.nanmax(high)),
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
