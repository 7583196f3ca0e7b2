"""History: bounded ring buffers, zero-copy windows, and min/mean/max buckets for 24 hours."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core.sampling.history import BUCKET_S, RECENT_WINDOW_S, History
from app.core.sampling.ring import MirroredRing
from app.core.sampling.sample import Sample
from tests.core.fakes import CounterReading

T0 = 1_800_000_000.0  # a fixed epoch so bucket edges are known


def _sample(t: float, value: float | None, source: str = "s", interval: float = 1.0) -> Sample:
    reading = None if value is None else CounterReading(source, value)
    return Sample(source, interval, t, 0.0, 0.0, reading)


def test_ring_keeps_the_newest_values_in_order_after_wrapping() -> None:
    ring = MirroredRing(4)
    for value in range(10):
        ring.append(float(value))
    assert ring.newest().tolist() == [6.0, 7.0, 8.0, 9.0]
    assert ring.newest(2).tolist() == [8.0, 9.0]


def test_windows_are_views_into_the_buffer_not_copies() -> None:
    history = History()
    for i in range(2000):
        history.add(_sample(T0 + i, float(i)))
    series = history.series("s.value", 60)
    source = history._sources["s"]
    assert np.shares_memory(series.values, source.recent["s.value"]._data)
    assert np.shares_memory(series.times_s, source.recent_times._data)


def test_recent_window_returns_exactly_the_last_seconds() -> None:
    history = History()
    for i in range(300):
        history.add(_sample(T0 + i, float(i)))
    series = history.series("s.value", 60)
    assert series.values.tolist() == [float(v) for v in range(240, 300)]
    assert history.latest("s.value") == 299.0


def test_recent_tier_holds_fifteen_minutes_at_the_source_interval() -> None:
    history = History()
    for i in range(4000):
        history.add(_sample(T0 + i * 0.5, 1.0, interval=0.5))
    assert history.series("s.value", RECENT_WINDOW_S).values.size == RECENT_WINDOW_S / 0.5


def test_long_tier_buckets_hold_min_mean_max() -> None:
    history = History()
    values = [1.0, 5.0, 3.0, 7.0, 4.0, 10.0, 2.0, 6.0, 8.0, 4.0]  # one 10 s bucket
    for i, value in enumerate([*values, 100.0]):
        history.add(_sample(T0 + i, value))
    series = history.series("s.value", 3600)
    assert series.minimum is not None and series.maximum is not None
    assert series.minimum[0] == 1.0 and series.maximum[0] == 10.0
    assert series.values[0] == pytest.approx(np.mean(values))
    assert series.times_s[0] == T0 - T0 % BUCKET_S


def test_a_pause_leaves_empty_buckets_not_stretched_lines() -> None:
    history = History()
    history.add(_sample(T0, 1.0))
    history.add(_sample(T0 + 60, 2.0))
    series = history.series("s.value", 3600)
    assert series.values.size == 7
    assert math.isnan(series.values[3])


def test_a_metric_that_appears_later_lines_up_with_nan_before_it() -> None:
    history = History()
    history.add(_sample(T0, 1.0, source="a"))
    history.add(Sample("a", 1.0, T0 + 1, 0, 0, _TwoMetrics(2.0, 5.0)))
    series = history.series("a.extra", 60)
    assert np.isnan(series.values[0]) and series.values[1] == 5.0


def test_unread_values_are_nan_and_failed_samples_are_skipped() -> None:
    history = History()
    history.add(_sample(T0, 1.0))
    history.add(_sample(T0 + 1, None))
    assert history.series("s.value", 60).values.size == 1
    assert history.latest("unknown") is None


def test_memory_is_fixed_once_both_tiers_are_full() -> None:
    history = History()
    for i in range(0, 25 * 3600, 5):  # 25 hours at one sample per 5 s
        history.add(_sample(T0 + i, float(i % 100), interval=5.0))
        if i == 24 * 3600:
            full = history.nbytes
    assert history.nbytes == full
    assert history.series("s.value", 24 * 3600).values.size == 24 * 3600 / BUCKET_S


class _TwoMetrics:
    def __init__(self, value: float, extra: float) -> None:
        self.value, self.extra = value, extra

    def metrics(self) -> dict[str, float | None]:
        return {"a.value": self.value, "a.extra": self.extra}


def test_a_window_can_end_in_the_past_for_replay() -> None:
    history = History()
    for i in range(300):
        history.add(_sample(T0 + i, float(i)))
    series = history.series("s.value", 10, end_s=T0 + 100)
    assert series.values.tolist() == [float(v) for v in range(91, 101)]
    assert history.newest_time() == T0 + 299
