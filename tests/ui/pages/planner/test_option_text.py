"""How the plan's numbers read: counts, hours, dollars, ranges, and n/a with the reason (hand-written cases)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.ui.pages.planner.cost_chart import hours_tick, label_lifts, log_ticks, usd_tick, wants_log_scale
from app.ui.pages.planner.option_text import cost_text, format_count, format_hours, format_usd, hours_text
from tests.ui.pages.planner.plans import LOCAL_4090, RENT_H100, VPS


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (8.03e9, "8.03 B"),
        (405e9, "405 B"),
        (124e6, "124 M"),
        (15e12, "15 T"),
        (1.5e3, "1,500"),
        (1, "1"),
        (None, "n/a"),
    ],
)
def test_counts_read_in_millions_billions_and_trillions_and_plainly_below_a_million(
    value: float | None, text: str
) -> None:
    assert format_count(value) == text


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0.004, "< 0.1 h"), (0.42, "0.4 h"), (20.2, "20.2 h"), (48.0, "48.0 h"), (72.0, "72.0 h (3 days)"),
        (1234.0, "1,234 h (51 days)"),
    ],
)  # fmt: skip
def test_hours_read_with_days_past_two_days_and_tiny_jobs_as_under_a_tenth(hours: float, text: str) -> None:
    assert format_hours(hours) == text


def test_dollars_keep_cents_only_below_ten_and_a_tiny_cost_is_not_zero() -> None:
    assert [format_usd(v) for v in (0.001, 0.85, 9.6, 12.4, 1500.0)] == ["< $0.01", "$0.85", "$9.60", "$12", "$1,500"]


def test_a_price_range_reads_as_a_range_and_a_single_price_as_one() -> None:
    assert cost_text(RENT_H100) == "$6.80 – $12"
    assert cost_text(replace(RENT_H100, cost_low_usd=9.2, cost_high_usd=9.4)) == "$9.35", "equal when rounded"
    assert cost_text(LOCAL_4090) == "$9.60"


def test_a_missing_hour_or_cost_says_why_in_the_engines_words() -> None:
    assert hours_text(VPS) == "n/a (the work does not fit here)", "no reason among the notes: the general one"
    training = replace(VPS, notes=("Hetzner Cloud CX23", "not practical: training on a CPU-only server, without a GPU"))
    assert hours_text(training) == "n/a (not practical: training on a CPU-only server, without a GPU)"
    too_small = replace(VPS, notes=("CX23", "does not fit: needs 5.9 GB of RAM, has 4.0 GB (2 vCPUs, 4.0 GB RAM)"))
    assert cost_text(too_small) == "n/a (does not fit: needs 5.9 GB of RAM, has 4.0 GB (2 vCPUs, 4.0 GB RAM))"
    fits_but_unknown = replace(LOCAL_4090, estimated_hours=None, estimated_cost_usd=None)
    assert hours_text(fits_but_unknown) == "n/a (the planner gave no estimate; see the notes)"
    cpu_fits = replace(VPS, fits=True)
    assert cost_text(cpu_fits) == "n/a (CPU only: give the tokens to generate for an estimate)"


def test_the_cost_axis_goes_logarithmic_only_for_a_wide_spread_of_positive_values() -> None:
    assert wants_log_scale([6.8, 1500.0]) is True
    assert wants_log_scale([6.8, 100.0]) is False
    assert wants_log_scale([0.0, 1500.0]) is False
    assert wants_log_scale([]) is False


def test_log_ticks_name_1_2_5_times_each_power_of_ten_at_its_log10() -> None:
    major, minor = log_ticks([6.8, 150.0], usd_tick)  # 1 to 1,000: three powers of ten
    assert minor == []
    assert [name for _at, name in major][:5] == ["$1", "$2", "$5", "$10", "$20"]
    assert (3.0, "$1,000") in major and major[-1][1] == "$5,000"
    assert [name for _at, name in log_ticks([0.5, 30.0], hours_tick)[0]][:4] == ["0.1 h", "0.2 h", "0.5 h", "1 h"]


def test_log_ticks_over_more_than_three_powers_of_ten_name_the_powers_only() -> None:
    # USD 6 to 24,820 (a rented hour to a month of eight B200s): 1, 10, ... 100,000; no crowded 2s and 5s.
    major, _ = log_ticks([6.8, 24_820.0], usd_tick)
    assert [name for _at, name in major] == ["$1", "$10", "$100", "$1,000", "$10,000", "$100,000"]


def test_labels_of_points_almost_on_top_of_each_other_are_stacked() -> None:
    # Two A100s at 10.7 h and USD 18 and 19 (log scale: 1.03, 1.04...), one far away: lift 0, 1, 0.
    spots = [(1.029, 1.255), (1.029, 1.279), (0.2, 4.4)]
    assert label_lifts(spots) == [0, 1, 0]
    assert label_lifts([]) == []
