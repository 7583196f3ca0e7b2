"""Human units: binary sizes, decimal rates, and "n/a" for what could not be read."""

from __future__ import annotations

from app.core.units import celsius, format_bytes, format_bytes_of, format_rate, percent


def test_sizes_are_binary_and_rates_decimal() -> None:
    assert format_bytes(25757220864) == "23.99 GiB"
    assert format_rate(512_000_000) == "512.0 MB/s"
    assert format_bytes(None) == format_rate(None) == percent(None) == celsius(None) == "n/a"


def test_used_of_total_is_written_in_the_totals_unit() -> None:
    assert format_bytes_of(20 * 2**30, 24 * 2**30) == "20.0 / 24.0 GiB"
    assert format_bytes_of(300 * 2**20, 80 * 2**30) == "0.3 / 80.0 GiB"
    assert format_bytes_of(None, 24 * 2**30) == "n/a / 24.00 GiB"
