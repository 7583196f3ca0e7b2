"""Test metrics in words and units; the expected strings are worked out by hand."""

from __future__ import annotations

import math

import pytest

from app.ui.pages.tests.metric_text import label, metrics_text, missing_reason, time_text, value_text


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("tflops", 71.24, "71.2 TFLOPS"),
        ("gflops", 812.45, "812.5 GFLOPS"),
        ("percent_of_peak", 86.27, "86 %"),
        ("bytes_tested", 20 * 1024**3, "20.00 GiB"),
        ("seq_read_bytes_per_s", 3.2e9, "3.2 GB/s"),
        ("seq_write_bytes_per_s", 950e6, "950.0 MB/s"),
        ("rand_read_iops", 412345.6, "412346 IOPS"),
        ("rand_read_p99_ms", 0.4567, "0.46 ms"),
        ("steady_c", 78.4, "78 °C"),
        ("time_constant_s", 95.0, "95 s"),
        ("cooldown_s", 150.0, "2.5 min"),  # 150 s = 2.5 min
        ("sustained_ratio", 0.972, "97 %"),
        ("power_fraction", 0.92, "92 %"),
        ("c_per_w", 0.1234, "0.123 °C/W"),
        ("fan_response_s", 30.0, "30 s"),  # not listed: the unit from the name
        ("board_power_w", 312.25, "312.2 W"),  # .25 rounds half to even
        ("something", 1.5, "1.50"),
    ],
)
def test_a_metric_is_shown_with_its_unit(key: str, value: float, shown: str) -> None:
    assert value_text(key, value) == shown


@pytest.mark.parametrize("value", [None, math.nan, math.inf])
def test_a_missing_metric_is_na(value: float | None) -> None:
    assert value_text("tflops", value) == "n/a"


def test_labels_are_words() -> None:
    assert label("headroom_to_slowdown_c") == "Headroom to slowdown"
    assert label("fan_response_s") == "Fan response"  # the unit is the value's, not the label's


@pytest.mark.parametrize(
    ("key", "words"),
    [
        # the trial saw the raw names "Headroom to max operating c" and "Rand read p50 ms"
        ("headroom_to_max_operating_c", "Headroom to max operating temperature"),
        ("rand_read_p50_ms", "Random read median latency"),
        ("rand_read_p99_ms", "Random read p99 latency"),
        ("throttle_percent", "Time slowed by heat or a fault"),
        ("power_capped_percent", "Time at the power limit (normal)"),
        ("passes", "Complete passes"),
        ("gpu_board_temp_c", "Gpu board temp"),
    ],
)
def test_every_metric_of_the_test_documents_has_words(key: str, words: str) -> None:
    assert label(key) == words


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("headroom_to_max_operating_c", -0.04, "0 °C"),  # the trial saw "-0 °C"
        ("clock_drop_percent", -0.3, "0 %"),
        ("c_per_w", -0.0001, "0.000 °C/W"),
        ("headroom_to_max_operating_c", -1.3, "-1 °C"),  # a real negative stays negative
        ("rand_read_p50_ms", 0.123, "0.12 ms"),
    ],
)
def test_a_value_that_rounds_to_zero_has_no_minus_sign(key: str, value: float, shown: str) -> None:
    assert value_text(key, value) == shown


def test_metrics_read_so_far_in_words_and_units() -> None:
    # the trial's phase line showed "seq_write_bytes_per_s 2.988e+09, rand_read_iops 4.428e+04"
    metrics = {"seq_write_bytes_per_s": 2.988e9, "rand_read_iops": 44280.0, "small_files_per_s": None}
    assert metrics_text(metrics) == "Sequential write 3.0 GB/s · Random 4 KiB reads 44280 IOPS"


def test_start_times_are_shown_in_utc_to_the_second() -> None:
    assert time_text("2026-11-28T14:00:00.123Z") == "2026-11-28 14:00:00 UTC"
    assert time_text("not a time") == "not a time"


def test_the_reason_for_a_missing_metric_is_the_results_own_when_given() -> None:
    details = {"missing": {"c_per_w": "power did not rise under load"}}
    assert missing_reason("c_per_w", details, aborted=False) == "power did not rise under load"
    assert missing_reason("peak_c", details, aborted=True) == "the test stopped before this was measured"
    assert missing_reason("peak_c", {}, aborted=False) == "not measured in this run; the result gives no reason"
