"""The sampler: per-source intervals on a drift-free grid, isolation of slow and failing sources."""

from __future__ import annotations

import itertools
import time

import pytest

from app.core.clock import ScaledClock, SystemClock
from app.core.sampling.sample import Sample
from app.core.sampling.sampler import Sampler
from tests.core.fakes import CountingSource, FailingSource, HangingSource


def _collect(sampler: Sampler) -> list[Sample]:
    samples: list[Sample] = []
    sampler.subscribe(samples.append)
    return samples


def test_hanging_source_does_not_stall_the_others() -> None:
    stuck, fast = HangingSource(), CountingSource("fast", 0.25)
    sampler = Sampler([stuck, fast], SystemClock())
    samples = _collect(sampler)
    sampler.start()
    time.sleep(1.6)
    sampler.stop()
    stuck.release.set()
    fast_samples = [s for s in samples if s.source == "fast"]
    stuck_errors = [s for s in samples if s.source == "stuck" and s.error]
    assert len(fast_samples) >= 5, "the fast source must keep its schedule while the other hangs"
    assert stuck_errors and "has not answered" in (stuck_errors[0].error or "")
    assert sampler.missed_ticks["stuck"] >= 4


def test_failing_source_reports_why_and_keeps_being_read() -> None:
    sampler = Sampler([FailingSource()], ScaledClock(20.0))
    samples = _collect(sampler)
    sampler.start()
    time.sleep(0.3)
    sampler.stop()
    assert len(samples) >= 3
    assert all(s.reading is None and s.error == "OSError: sensor unplugged" for s in samples)


def test_ticks_lie_on_a_grid_without_drift() -> None:
    source = CountingSource("grid", 1.0)
    sampler = Sampler([source], ScaledClock(50.0))
    samples = _collect(sampler)
    sampler.start()
    time.sleep(0.8)
    sampler.stop()
    ticks = [s.tick_wall_s for s in samples]
    assert len(ticks) >= 20
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    # On the grid start + n x interval: whole intervals apart (a late tick is skipped, never shifted).
    assert all(gap == pytest.approx(round(gap), abs=1e-6) and round(gap) >= 1 for gap in gaps)
    assert sum(round(gap) == 1 for gap in gaps) >= 0.8 * len(gaps)


def test_each_source_keeps_its_own_interval() -> None:
    fast, slow = CountingSource("fast", 1.0), CountingSource("slow", 10.0)
    sampler = Sampler([fast, slow], ScaledClock(100.0))
    samples = _collect(sampler)
    sampler.start()
    time.sleep(0.6)
    sampler.stop()
    n_fast = sum(s.source == "fast" for s in samples)
    n_slow = sum(s.source == "slow" for s in samples)
    assert n_fast >= 40
    assert n_fast / n_slow == pytest.approx(10, rel=0.25)


def test_reads_are_timed() -> None:
    sampler = Sampler([CountingSource("timed", 0.25)], SystemClock())
    samples = _collect(sampler)
    sampler.start()
    time.sleep(0.3)
    sampler.stop()
    assert samples and all(0.0 <= s.duration_s < 0.1 and s.cpu_s >= 0.0 for s in samples)


def test_interval_below_a_quarter_second_is_refused() -> None:
    with pytest.raises(ValueError, match=r"below 0\.25"):
        Sampler([CountingSource("too-fast", 0.1)], SystemClock())


def test_stop_closes_sources_and_ends_every_thread() -> None:
    source = CountingSource("closing", 0.25)
    sampler = Sampler([source], SystemClock())
    sampler.start()
    time.sleep(0.1)
    sampler.stop()
    assert not sampler.running
    assert source.closed


def test_a_failing_listener_does_not_stop_the_others() -> None:
    sampler = Sampler([CountingSource("x", 0.25)], ScaledClock(10.0))

    def broken(_: Sample) -> None:
        raise RuntimeError("listener bug")

    sampler.subscribe(broken)
    samples = _collect(sampler)
    sampler.start()
    time.sleep(0.2)
    sampler.stop()
    assert len(samples) >= 3


def test_ticks_skipped_by_a_late_scheduler_are_counted_not_lost() -> None:
    # A listener that takes 5 ms at 1000x time: each 1 s tick lasts 1 ms of real time, so the
    # scheduler keeps waking after later ticks were due and must skip some.
    source = CountingSource("fast", 1.0)
    clock = ScaledClock(1000.0)
    sampler = Sampler([source], clock)
    samples = _collect(sampler)
    sampler.subscribe(lambda _: time.sleep(0.005))
    sampler.start(duration_s=300.0)
    sampler._thread.join(30)  # type: ignore[union-attr]
    counts = sampler.tick_counts()["fast"]
    rows = [s for s in samples if s.source == "fast"]
    # 300 s at one tick a second: ticks 0..299, every one either a row or counted as skipped.
    assert counts.due == 300
    assert counts.skipped_late > 0, "the scenario must really run late"
    assert len(rows) + counts.skipped_late == 300
    span = (rows[-1].tick_wall_s - rows[0].tick_wall_s) / 1.0 + 1
    assert span == pytest.approx(len(rows) + counts.skipped_late, abs=1 + counts.skipped_late)
    assert not sampler.running, "with a duration the sampler ends by itself"


def test_a_duration_gives_exactly_the_ticks_of_that_long() -> None:
    fast, slow = CountingSource("fast", 0.25), CountingSource("slow", 2.0)
    sampler = Sampler([fast, slow], ScaledClock(20.0))
    samples = _collect(sampler)
    sampler.start(duration_s=10.0)
    sampler._thread.join(10)  # type: ignore[union-attr]
    assert not sampler.running
    # 10 s: 0.25 s ticks 0..39 (40) and 2 s ticks at 0, 2, 4, 6, 8 (5), less any counted as skipped.
    counts = sampler.tick_counts()
    assert (counts["fast"].due, counts["slow"].due) == (40, 5)
    assert sum(s.source == "fast" for s in samples) + counts["fast"].skipped_late == 40
    assert sum(s.source == "slow" for s in samples) + counts["slow"].skipped_late == 5


def test_listeners_come_and_go_while_the_sampler_runs() -> None:
    sampler = Sampler([CountingSource("x", 0.25)], ScaledClock(20.0))
    sampler.start()
    late: list[Sample] = []
    time.sleep(0.1)
    sampler.subscribe(late.append)
    time.sleep(0.2)
    sampler.unsubscribe(late.append)
    time.sleep(0.05)  # a call under way when unsubscribing may still finish
    seen = len(late)
    time.sleep(0.2)
    sampler.stop()
    assert seen >= 3, "a listener added while running receives samples"
    assert len(late) == seen, "an unsubscribed listener receives no more"
