"""Graph downsampling: at most 600 points, the true peak and trough kept, gaps kept as null."""

from __future__ import annotations

import numpy as np

from app.report.graphs import MAX_POINTS, downsample


def test_a_day_at_one_second_becomes_at_most_600_points_with_its_peak_and_trough() -> None:
    t = np.arange(86_400, dtype=float)
    v = np.full(86_400, 50.0)
    v[12_345], v[54_321] = 95.0, 5.0  # one-second spike and dip: a mean alone would hide both
    times, values = downsample(t, v)
    assert len(times) == len(values) <= MAX_POINTS
    assert max(x for x in values if x is not None) == 95.0
    assert min(x for x in values if x is not None) == 5.0
    assert 12_345.0 in times and 54_321.0 in times
    assert times == sorted(times)


def test_bucket_means_by_hand() -> None:
    t = np.arange(8, dtype=float)
    v = np.array([1.0, 3.0, 5.0, 7.0, 2.0, 4.0, 6.0, 8.0])
    times, values = downsample(t, v, max_points=4)
    # buckets [1,3] [5,7] [2,4] [6,8]; the peak 8 (index 7) and trough 1 (index 0) are kept as they are
    assert values == [1.0, 6.0, 3.0, 8.0]
    assert times == [0.0, 2.5, 4.5, 7.0]


def test_a_short_series_is_kept_whole_and_missing_readings_are_null() -> None:
    times, values = downsample(np.array([1.0, 2.0, 3.0]), np.array([1.0, np.nan, 3.0]))
    assert times == [1.0, 2.0, 3.0]
    assert values == [1.0, None, 3.0]


def test_a_bucket_of_only_missing_readings_is_null() -> None:
    v = np.array([1.0, 2.0, np.nan, np.nan, 3.0, 4.0])
    _, values = downsample(np.arange(6, dtype=float), v, max_points=3)
    assert values == [1.0, None, 4.0]
