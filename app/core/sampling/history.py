"""Hours of metric history in bounded memory, in two tiers per source.

* Recent: every sample of the last 15 minutes (float32 values, float64 times).
* Long: min / mean / max buckets of `bucket_s` seconds covering 24 hours.

Metrics of one source share their time axis, so a new metric (a disk plugged in) starts with
NaN and a sample that lacks a metric writes NaN. Memory is fixed by the number of metrics:
about 0.22 MB per metric at the defaults (see docs/architecture.md). Used from one thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.core.sampling.ring import MirroredRing
from app.core.sampling.sample import Sample

RECENT_WINDOW_S = 15 * 60.0
LONG_WINDOW_S = 24 * 3600.0
BUCKET_S = 10.0


@dataclass(frozen=True)
class Series:
    """A window of one metric, oldest first. Views into the history: read them, do not keep them."""

    times_s: np.ndarray  # UNIX epoch seconds
    values: np.ndarray  # means, for the long tier
    minimum: np.ndarray | None = None  # long tier only
    maximum: np.ndarray | None = None


class _Bucket:
    """Running min / sum / max / count of one metric inside the current long-tier bucket."""

    __slots__ = ("count", "high", "low", "total")

    def __init__(self) -> None:
        self.low, self.total, self.high, self.count = math.inf, 0.0, -math.inf, 0

    def add(self, value: float) -> tuple[float, float, float]:
        if not math.isnan(value):
            self.low, self.high = min(self.low, value), max(self.high, value)
            self.total += value
            self.count += 1
        if self.count == 0:
            return (math.nan, math.nan, math.nan)
        return (self.low, self.total / self.count, self.high)


class _SourceHistory:
    """Both tiers for the metrics of one source, on one shared time axis per tier."""

    def __init__(self, interval_s: float, bucket_s: float) -> None:
        self.recent_capacity = max(1, math.ceil(RECENT_WINDOW_S / interval_s))
        self.long_capacity = max(1, math.ceil(LONG_WINDOW_S / bucket_s))
        self.bucket_s = bucket_s
        self.recent_times = MirroredRing(self.recent_capacity)
        self.long_times = MirroredRing(self.long_capacity)
        self.recent: dict[str, MirroredRing] = {}
        self.long: dict[str, MirroredRing] = {}
        self.buckets: dict[str, _Bucket] = {}
        self._bucket_index: int | None = None

    def add(self, time_s: float, metrics: dict[str, float | None]) -> None:
        for name in metrics.keys() - self.recent.keys():
            self._add_metric(name)
        self.recent_times.append(time_s)
        for name, ring in self.recent.items():
            value = metrics.get(name)
            ring.append(math.nan if value is None else value)
        self._add_to_bucket(time_s, metrics)

    def _add_metric(self, name: str) -> None:
        recent = MirroredRing(self.recent_capacity, dtype=np.float32)
        for _ in range(self.recent_times.count):
            recent.append(math.nan)
        long = MirroredRing(self.long_capacity, width=3, dtype=np.float32)
        for _ in range(self.long_times.count):
            long.append((math.nan,) * 3)
        self.recent[name], self.long[name] = recent, long

    def _add_to_bucket(self, time_s: float, metrics: dict[str, float | None]) -> None:
        index = int(time_s // self.bucket_s)
        if index != self._bucket_index:
            self._open_bucket(index)
        for name, ring in self.long.items():
            value = metrics.get(name)
            bucket = self.buckets.setdefault(name, _Bucket())
            ring.set_newest(bucket.add(math.nan if value is None else float(value)))

    def _open_bucket(self, index: int) -> None:
        """Start bucket `index`; buckets skipped over (the sampler was paused) stay NaN.

        Only the skipped buckets the ring can still hold are written, the newest ones, so after a
        pause longer than the long tier the time axis still runs evenly up to the new bucket.
        """
        if self._bucket_index is not None:
            for skipped in range(max(self._bucket_index + 1, index - self.long_capacity), index):
                self._append_bucket(skipped)
        self._append_bucket(index)
        self._bucket_index = index
        self.buckets = {}

    def _append_bucket(self, index: int) -> None:
        self.long_times.append(index * self.bucket_s)
        for ring in self.long.values():
            ring.append((math.nan,) * 3)

    @property
    def nbytes(self) -> int:
        rings = [self.recent_times, self.long_times, *self.recent.values(), *self.long.values()]
        return sum(r.nbytes for r in rings)


class History:
    """Ring-buffer history of every metric the sampler produced."""

    def __init__(self, bucket_s: float = BUCKET_S) -> None:
        self._bucket_s = bucket_s
        self._sources: dict[str, _SourceHistory] = {}
        self._metric_source: dict[str, str] = {}

    def add(self, sample: Sample) -> None:
        """Append one sample's metrics (O(number of the source's metrics))."""
        if sample.reading is None:
            return
        source = self._sources.get(sample.source)
        if source is None:
            source = self._sources[sample.source] = _SourceHistory(sample.interval_s, self._bucket_s)
        metrics = sample.metrics()
        for name in metrics:
            self._metric_source.setdefault(name, sample.source)
        source.add(sample.tick_wall_s, metrics)

    def series(self, metric: str, window_s: float, end_s: float | None = None) -> Series:
        """`window_s` seconds of `metric` ending at `end_s` (the newest sample by default):
        full rate up to 15 minutes, min/mean/max buckets beyond."""
        source = self._sources.get(self._metric_source.get(metric, ""))
        if source is None:
            empty = np.empty(0)
            return Series(empty, empty)
        if window_s <= RECENT_WINDOW_S:
            times, values = source.recent_times.newest(), source.recent[metric].newest()
            start, stop = _window(times, window_s, end_s)
            return Series(times[start:stop], values[start:stop])
        times, rows = source.long_times.newest(), source.long[metric].newest()
        start, stop = _window(times, window_s, end_s)
        return Series(times[start:stop], rows[start:stop, 1], rows[start:stop, 0], rows[start:stop, 2])

    def metric_names(self) -> list[str]:
        """Every metric the history holds, sorted (the report summarises each one)."""
        return sorted(self._metric_source)

    def newest_time(self) -> float | None:
        """The time of the newest sample of any source."""
        times = [s.recent_times.newest(1) for s in self._sources.values() if s.recent_times.count]
        return max(float(t[0]) for t in times) if times else None

    def latest(self, metric: str) -> float | None:
        source = self._sources.get(self._metric_source.get(metric, ""))
        if source is None or source.recent_times.count == 0:
            return None
        value = float(source.recent[metric].newest(1)[0])
        return None if math.isnan(value) else value

    @property
    def nbytes(self) -> int:
        """Memory held by the buffers; fixed once every metric has appeared."""
        return sum(s.nbytes for s in self._sources.values())


def _window(times: np.ndarray, window_s: float, end_s: float | None) -> tuple[int, int]:
    """Index range of the times in (end - window, end]."""
    if times.size == 0:
        return 0, 0
    end = float(times[-1]) if end_s is None else end_s
    return int(np.searchsorted(times, end - window_s, side="right")), int(np.searchsorted(times, end, side="right"))
