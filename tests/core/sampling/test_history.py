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


class _Value:
    """A reading of one metric that may be unread (`None`) or NaN."""

    def __init__(self, value: float | None) -> None:
        self.value = value

    def metrics(self) -> dict[str, float | None]:
        return {"s.value": self.value}


def _at(t: float, value: float | None) -> Sample:
    return Sample("s", 1.0, t, 0.0, 0.0, _Value(value))


def _buckets(history: History, window_s: float = 3600, end_s: float | None = None) -> list[tuple[float, ...]]:
    series = history.series("s.value", window_s, end_s)
    assert series.minimum is not None and series.maximum is not None
    rows = zip(series.times_s - T0, series.minimum, series.values, series.maximum, strict=True)
    return [tuple(float(x) for x in row) for row in rows]


def _same(rows: list[tuple[float, ...]], expected: list[tuple[float, ...]]) -> bool:
    """Equal, with NaN equal to NaN."""
    return len(rows) == len(expected) and all(
        np.array_equal(np.array(a), np.array(b), equal_nan=True) for a, b in zip(rows, expected, strict=True)
    )


def test_buckets_after_the_first_floor_their_times_and_restart_min_mean_max() -> None:
    history = History()
    # T0 is a multiple of 10 s. Bucket [T0, T0+10): 4, -2, 10. Bucket [T0+10, T0+20): 7, unread, NaN, 1.
    # Bucket [T0+20, T0+30): 100.
    for t, value in [(3.0, 4.0), (6.0, -2.0), (9.999, 10.0), (10.0, 7.0), (12.0, None), (15.0, math.nan)]:
        history.add(_at(T0 + t, value))
    history.add(_at(T0 + 19.5, 1.0))
    history.add(_at(T0 + 20.0, 100.0))
    assert _buckets(history) == [
        (0.0, -2.0, 4.0, 10.0),  # mean (4 - 2 + 10) / 3
        (10.0, 1.0, 4.0, 7.0),  # mean (7 + 1) / 2: unread and NaN values are left out
        (20.0, 100.0, 100.0, 100.0),
    ]


def test_a_bucket_of_unread_values_is_nan_and_the_next_one_counts_afresh() -> None:
    history = History()
    history.add(_at(T0 + 1, 50.0))
    history.add(_at(T0 + 11, None))
    history.add(_at(T0 + 12, math.nan))
    history.add(_at(T0 + 21, 3.0))
    nan = math.nan
    assert _same(_buckets(history), [(0.0, 50.0, 50.0, 50.0), (10.0, nan, nan, nan), (20.0, 3.0, 3.0, 3.0)])


def test_a_pause_leaves_one_empty_bucket_per_missed_ten_seconds_at_their_own_times() -> None:
    history = History()
    history.add(_at(T0 + 5, 1.0))
    history.add(_at(T0 + 42, 2.0))  # buckets T0+10, T0+20 and T0+30 were missed
    nan = math.nan
    assert _same(
        _buckets(history),
        [
            (0.0, 1.0, 1.0, 1.0),
            (10.0, nan, nan, nan),
            (20.0, nan, nan, nan),
            (30.0, nan, nan, nan),
            (40.0, 2.0, 2.0, 2.0),
        ],
    )


def test_a_pause_longer_than_a_day_leaves_a_day_of_empty_buckets() -> None:
    history = History()
    history.add(_at(T0, 1.0))
    history.add(_at(T0 + 2 * 86400, 2.0))
    series = history.series("s.value", 86400)
    # 24 h of 10 s buckets is 8640: the newest holds 2.0, the 8639 before it are empty.
    assert series.values.size == 8640
    assert series.values[-1] == 2.0 and np.isnan(series.values[:-1]).all()
    assert series.times_s[0] == T0 + 2 * 86400 - 8639 * 10


def test_a_long_window_can_end_in_the_past() -> None:
    history = History()
    for t in range(0, 3600):
        history.add(_at(T0 + t, float(t // 10)))  # bucket k holds k ten times
    rows = _buckets(history, window_s=1800, end_s=T0 + 2000)
    # Buckets whose start is in (T0 + 200, T0 + 2000]: T0+210 ... T0+2000, 180 of them.
    assert len(rows) == 180
    assert rows[0] == (210.0, 21.0, 21.0, 21.0) and rows[-1] == (2000.0, 200.0, 200.0, 200.0)


def test_memory_per_metric_is_float32_rows_for_both_tiers() -> None:
    history = History()
    history.add(_at(T0, 1.0))
    # Per source at 1 s: times, float64, mirrored: 900 * 2 * 8 + 8640 * 2 * 8 = 14400 + 138240.
    # Per metric, float32, mirrored: 900 * 2 * 4 + 8640 * 2 * 3 * 4 = 7200 + 207360.
    assert history.nbytes == 14400 + 138240 + 7200 + 207360
    history.add(Sample("s", 1.0, T0 + 1, 0, 0, _ValueAndExtra(1.0, 2.0)))
    assert history.nbytes == 14400 + 138240 + 2 * (7200 + 207360)


class _ValueAndExtra:
    def __init__(self, value: float, extra: float) -> None:
        self.value, self.extra = value, extra

    def metrics(self) -> dict[str, float | None]:
        return {"s.value": self.value, "s.extra": self.extra}


def test_unknown_metrics_and_an_empty_history_read_as_empty_or_none() -> None:
    history = History()
    assert history.newest_time() is None
    for window_s in (60, 3600):
        series = history.series("s.value", window_s)
        assert (series.times_s.size, series.values.size) == (0, 0)
    history.add(_at(T0, 1.0))
    assert history.series("nope", 60).values.size == 0 and history.series("nope", 60).times_s.size == 0


def test_latest_is_none_when_the_newest_value_was_not_read() -> None:
    history = History()
    history.add(_at(T0, 1.0))
    history.add(_at(T0 + 1, None))
    assert history.latest("s.value") is None
    history.add(_at(T0 + 2, 4.5))
    assert history.latest("s.value") == 4.5


def test_newest_time_is_the_newest_of_any_source() -> None:
    history = History()
    history.add(_sample(T0 + 5, 1.0, source="a"))
    history.add(_sample(T0 + 9, 1.0, source="b"))
    history.add(_sample(T0 + 7, 1.0, source="a"))
    assert history.newest_time() == T0 + 9


def test_ring_of_one_holds_the_newest_value_and_a_ring_of_none_is_refused() -> None:
    ring = MirroredRing(1)
    ring.append(1.0)
    ring.append(2.0)
    assert ring.newest().tolist() == [2.0]
    with pytest.raises(ValueError, match="capacity must be at least 1"):
        MirroredRing(0)


def test_ring_windows_clamp_to_what_is_held() -> None:
    ring = MirroredRing(5)
    for value in (1.0, 2.0, 3.0):
        ring.append(value)
    assert ring.newest(10).tolist() == [1.0, 2.0, 3.0]
    assert ring.newest(0).tolist() == [] and ring.newest(-2).tolist() == []
    assert ring.count == 3 and ring.nbytes == 5 * 2 * 8


def test_ring_set_newest_overwrites_the_newest_row_after_wrapping() -> None:
    ring = MirroredRing(3, width=3)
    for k in range(5):
        ring.append((k, k, k))
    ring.set_newest((7.0, 8.0, 9.0))
    assert ring.newest().tolist() == [[2.0, 2.0, 2.0], [3.0, 3.0, 3.0], [7.0, 8.0, 9.0]]
    ring.append((5.0, 5.0, 5.0))
    ring.set_newest((6.0, 6.0, 6.0))
    assert ring.newest(2).tolist() == [[7.0, 8.0, 9.0], [6.0, 6.0, 6.0]]
