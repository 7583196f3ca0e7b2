"""The stress and cooling metrics in words and units; the expected strings are worked out by hand."""

from __future__ import annotations

import math

import pytest

from app.stress.host.disk import METRICS as DISK_METRICS
from app.stress.metric_text import LABELS, label, metric_line, plural, value_text
from app.stress.thermal.analysis import METRIC_KEYS


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("seq_write_bytes_per_s", 2.988e9, "3.0 GB/s"),  # decimal units, as disks are rated
        ("seq_read_bytes_per_s", 950e6, "950.0 MB/s"),
        ("rand_read_iops", 44280.4, "44280 IOPS"),
        ("rand_read_p50_ms", 0.0871, "0.09 ms"),
        ("rand_read_p99_ms", 0.2349, "0.23 ms"),
        ("small_files_per_s", 15012.6, "15013 files/s"),
        ("bytes_tested", 23_181_498_776, "21.59 GiB"),  # 23 181 498 776 / 2³⁰ = 21.589
        ("passes", 47, "47"),
        ("gflops", 350.06, "350.1 GFLOPS"),
        ("tflops", 79.72, "79.7 TFLOPS"),
        ("percent_of_peak", 94.8, "95 %"),
        ("headroom_to_max_operating_c", -0.3, "0 °C"),  # rounds to zero: never "-0 °C"
        ("headroom_to_slowdown_c", -2.6, "-3 °C"),
        ("cooldown_s", 150.0, "2.5 min"),
        ("sustained_ratio", 0.972, "97 %"),
        ("fan_response_s", 30.0, "30 s"),  # not listed: the unit from the name
    ],
)
def test_a_metric_is_shown_with_its_unit(key: str, value: float, shown: str) -> None:
    assert value_text(key, value) == shown


@pytest.mark.parametrize("value", [None, math.nan, math.inf])
def test_a_missing_metric_is_na(value: float | None) -> None:
    assert value_text("seq_read_bytes_per_s", value) == "n/a"


def test_every_metric_a_test_reports_has_a_name_in_words() -> None:
    """The keys of aiwm.stress/1 and aiwm.thermal/1: none may reach the screen as a raw key."""
    stress = {"tflops", "peak_tflops", "percent_of_peak", "gflops", "bytes_tested", "passes", *DISK_METRICS}
    thermal = {*METRIC_KEYS, "headroom_to_max_operating_c"}
    assert stress | thermal <= set(LABELS)
    assert label("rand_read_p50_ms") == "Random read median latency"
    assert label("headroom_to_max_operating_c") == "Headroom to max operating temperature"


def test_an_unlisted_key_is_words_without_its_unit_suffix() -> None:
    assert label("fan_response_s") == "Fan response"
    assert label("board_power_w") == "Board power"


def test_a_line_and_a_count_read_as_words() -> None:
    assert metric_line("rand_read_iops", 44280.4) == "Random 4 KiB reads: 44280 IOPS"
    assert metric_line("small_files_per_s", None) == "Small files: n/a"
    assert (plural(1, "iteration"), plural(2, "iteration"), plural(0, "error")) == (
        "1 iteration",
        "2 iterations",
        "0 errors",
    )
