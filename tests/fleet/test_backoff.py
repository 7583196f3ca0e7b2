"""The waits before reconnecting: doubling from 1 s, capped at 60 s, reset by a good connection."""

from __future__ import annotations

import pytest

from app.fleet.backoff import Backoff


def test_the_waits_double_from_one_second_and_stop_at_a_minute() -> None:
    backoff = Backoff()
    # hand-computed: 1, 2, 4, 8, 16, 32, then 64 capped to 60
    assert [backoff.next_delay_s() for _ in range(9)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_connection_that_streamed_a_while_starts_the_waits_again() -> None:
    backoff = Backoff(reset_after_s=30)
    for _ in range(4):
        backoff.next_delay_s()
    backoff.connection_ended(streamed_s=29.9)  # too short to count as a good connection
    assert backoff.next_delay_s() == 16
    backoff.connection_ended(streamed_s=30.0)
    assert backoff.next_delay_s() == 1


@pytest.mark.parametrize(("first_s", "max_s", "factor"), [(0, 60, 2), (-1, 60, 2), (90, 60, 2), (1, 60, 0.5)])
def test_nonsense_back_off_settings_are_refused(first_s: float, max_s: float, factor: float) -> None:
    with pytest.raises(ValueError, match="back-off"):
        Backoff(first_s=first_s, max_s=max_s, factor=factor)
