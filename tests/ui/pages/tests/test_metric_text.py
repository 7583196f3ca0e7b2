"""Test metrics in words and units; the expected strings are worked out by hand."""

from __future__ import annotations

import math

import pytest

from app.ui.pages.tests.metric_text import label, missing_reason, value_text


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
    assert label("fan_response_s") == "Fan response s"


def test_the_reason_for_a_missing_metric_is_the_results_own_when_given() -> None:
    details = {"missing": {"c_per_w": "power did not rise under load"}}
    assert missing_reason("c_per_w", details, aborted=False) == "power did not rise under load"
    assert missing_reason("peak_c", details, aborted=True) == "the test stopped before this was measured"
    assert missing_reason("peak_c", {}, aborted=False) == "not measured in this run; the result gives no reason"
