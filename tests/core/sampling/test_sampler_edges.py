"""Edges of the sampler's timetable: a tick due exactly now is taken now."""

from __future__ import annotations

import time

from app.core.sampling.sample import Sample
from app.core.sampling.sampler import Sampler
from tests.core.fakes import CountingSource


class FrozenClock:
    """A clock that never moves: only ticks due at or before its one instant can ever be taken."""

    def monotonic(self) -> float:
        return 100.0

    def to_wall(self, monotonic_s: float) -> float:
        return 1_800_000_000.0 + monotonic_s

    def to_real_s(self, clock_s: float) -> float:
        return clock_s


def test_the_first_tick_is_taken_at_the_start_instant_not_after_it() -> None:
    source = CountingSource("s", 1.0)
    sampler = Sampler([source], FrozenClock())
    got: list[Sample] = []
    sampler.subscribe(got.append)
    sampler.start()
    deadline = time.monotonic() + 3.0
    while not got and time.monotonic() < deadline:
        time.sleep(0.01)
    sampler.stop()
    assert [s.tick_wall_s for s in got[:1]] == [1_800_000_100.0], "tick 0 is due at start + 0 x interval"
    assert source.reads == 1, "the clock never reaches tick 1"
