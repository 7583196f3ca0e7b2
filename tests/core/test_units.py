"""Human units: binary sizes, decimal rates, and "n/a" for what could not be read."""

from __future__ import annotations

import pytest

from app.core.units import celsius, format_bytes, format_bytes_of, format_rate, format_value, mhz, percent, watts


def test_sizes_are_binary_and_rates_decimal() -> None:
    assert format_bytes(25757220864) == "23.99 GiB"
    assert format_rate(512_000_000) == "512.0 MB/s"
    assert format_bytes(None) == format_rate(None) == percent(None) == celsius(None) == "n/a"


def test_used_of_total_is_written_in_the_totals_unit() -> None:
    assert format_bytes_of(20 * 2**30, 24 * 2**30) == "20.0 / 24.0 GiB"
    assert format_bytes_of(300 * 2**20, 80 * 2**30) == "0.3 / 80.0 GiB"
    assert format_bytes_of(None, 24 * 2**30) == "n/a / 24.00 GiB"


NAN = float("nan")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1000 B"),  # binary: 1000 bytes is still below one KiB
        (1023, "1023 B"),
        (1023.4, "1023 B"),
        (1023.6, "1.00 KiB"),  # would print as 1024 B
        (1024, "1.00 KiB"),
        (1536, "1.50 KiB"),
        (1048575, "1.00 MiB"),  # 1023.999 KiB would print as 1024.00 KiB
        (1048576, "1.00 MiB"),
        (5 * 2**20 + 2**19, "5.50 MiB"),
        (2**30 - 1, "1.00 GiB"),
        (2**30, "1.00 GiB"),
        (3.5 * 2**40, "3.50 TiB"),
        (2**50, "1024.00 TiB"),  # TiB is the largest unit
        (-2048, "-2.00 KiB"),
    ],
)
def test_bytes_move_to_the_next_binary_unit_at_1024_as_printed(value: float, shown: str) -> None:
    assert format_bytes(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0.0 B/s"),
        (999, "999.0 B/s"),
        (999.94, "999.9 B/s"),
        (999.96, "1.0 kB/s"),  # would print as 1000.0 B/s
        (1000, "1.0 kB/s"),
        (1023, "1.0 kB/s"),  # decimal: 1023 B/s is above one kB/s
        (1024, "1.0 kB/s"),
        (999_940, "999.9 kB/s"),
        (1_000_000, "1.0 MB/s"),
        (125_000_000, "125.0 MB/s"),  # 1 Gbit/s Ethernet at line rate
        (1e9, "1.0 GB/s"),
        (5e12, "5000.0 GB/s"),  # GB/s is the largest unit
        (-1500, "-1.5 kB/s"),
    ],
)
def test_rates_move_to_the_next_decimal_unit_at_1000_as_printed(value: float, shown: str) -> None:
    assert format_rate(value) == shown


@pytest.mark.parametrize(
    ("used", "total", "shown"),
    [
        (5, 1000, "5.0 / 1000.0 B"),
        (512, 2048, "0.5 / 2.0 KiB"),
        (2**30, 1048575 * 1024, "1.0 / 1.0 GiB"),  # 1023.999 MiB total prints as 1.0 GiB
        (0, 0, "0.0 / 0.0 B"),
        (2**39, 2**41, "0.5 / 2.0 TiB"),
    ],
)
def test_used_of_total_takes_the_unit_of_the_total_as_printed(used: float, total: float, shown: str) -> None:
    assert format_bytes_of(used, total) == shown


def test_nan_and_infinity_show_as_not_available() -> None:
    # History gaps are NaN; a reading is never printed as "nan TiB".
    assert format_bytes(NAN) == format_rate(NAN) == format_rate(float("inf")) == "n/a"
    assert percent(NAN) == celsius(NAN) == watts(NAN) == mhz(NAN) == format_value(NAN, "V") == "n/a"
    assert format_bytes_of(NAN, 24 * 2**30) == "n/a / 24.00 GiB"
    assert format_bytes_of(2**30, NAN) == "1.00 GiB / n/a"
    assert format_bytes_of(2**30, None) == "1.00 GiB / n/a"


def test_readings_print_whole_numbers_with_their_unit_unless_asked_for_digits() -> None:
    assert (percent(87.6), celsius(64.5), watts(449.96), mhz(2520.0)) == ("88 %", "64 °C", "450 W", "2520 MHz")
    assert (percent(None), celsius(None), watts(None), mhz(None)) == ("n/a",) * 4
    assert format_value(3.14159, "", 2) == "3.14"
    assert format_value(0.25, "V", 1) == "0.2 V"  # round half to even, as Python's format does
