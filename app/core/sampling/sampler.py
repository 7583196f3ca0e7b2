"""The one background sampler: reads every source at its own interval and hands out `Sample`s.

One scheduler thread keeps the timetable. Each source is read on a worker thread of its own, so
a source that hangs (a stuck driver, an NFS mount) misses its ticks and is reported, while the
others keep their schedule. Ticks are computed from the start time (start + n x interval), so
they never drift, and a late tick is skipped rather than bunched. No tick is dropped silently:
a tick skipped because its source was still busy becomes an error `Sample`, and a tick skipped
because the scheduler woke too late (at high time scales, on a loaded machine) is counted in
`tick_counts()`, so whoever records can say how many are missing.
"""

from __future__ import annotations

import logging
import math
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.core.clock import Clock
from app.core.sampling.sample import Sample
from app.core.sources import Source

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 0.25
Listener = Callable[[Sample], None]


@dataclass(frozen=True)
class TickCount:
    """How one source's ticks went so far: due on the grid, and how many of them were skipped.

    `skipped_late` ticks have no `Sample` at all (the scheduler woke after the next tick was due);
    `skipped_busy` ticks have an error `Sample` (the source had not answered the previous one).
    """

    due: int
    skipped_late: int
    skipped_busy: int

    def since(self, earlier: TickCount) -> TickCount:
        """The ticks between `earlier` (a count taken before) and this one."""
        return TickCount(
            self.due - earlier.due,
            self.skipped_late - earlier.skipped_late,
            self.skipped_busy - earlier.skipped_busy,
        )


class _SourceWorker:
    """Runs one source's reads on its own daemon thread, one at a time."""

    def __init__(self, source: Source, results: queue.SimpleQueue[Sample | None], clock: Clock) -> None:
        self.source = source
        self._results = results
        self._clock = clock
        self._requests: queue.SimpleQueue[float | None] = queue.SimpleQueue()
        self.busy_since: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"aiwm-source-{source.name}", daemon=True)
        self._thread.start()

    def request(self, tick_s: float) -> None:
        self.busy_since = tick_s
        self._requests.put(tick_s)

    def stop(self, timeout_s: float) -> None:
        self._requests.put(None)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while (tick := self._requests.get()) is not None:
            self._results.put(self._read(tick))
            self.busy_since = None
        try:
            self.source.close()
        except Exception:  # a failing close must not hide the samples already taken
            log.exception("closing source %s failed", self.source.name)

    def _read(self, tick_s: float) -> Sample:
        started, started_cpu = time.perf_counter(), time.thread_time()
        reading, error = None, None
        try:
            reading = self.source.read()
        except Exception as exc:  # any failure of one source becomes "missing, and why"
            error = f"{type(exc).__name__}: {exc}"
        return Sample(
            source=self.source.name,
            interval_s=self.source.interval_s,
            tick_wall_s=self._clock.to_wall(tick_s),
            duration_s=time.perf_counter() - started,
            cpu_s=time.thread_time() - started_cpu,
            reading=reading,
            error=error,
        )


class Sampler:
    """Schedules reads of `sources` and calls each listener with every finished `Sample`.

    Listeners run on the scheduler thread and must be quick (append to a buffer, put in a queue).
    They may be added and removed from any thread, also while the sampler runs.
    """

    def __init__(self, sources: Sequence[Source], clock: Clock) -> None:
        for source in sources:
            if source.interval_s < MIN_INTERVAL_S:
                raise ValueError(f"{source.name}: interval {source.interval_s} s is below {MIN_INTERVAL_S} s")
        self._sources = list(sources)
        self._clock = clock
        self._listeners: tuple[Listener, ...] = ()  # replaced whole, never changed in place
        self._listeners_lock = threading.Lock()
        self._results: queue.SimpleQueue[Sample | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._due = {s.name: 0 for s in sources}
        self._skipped_late = {s.name: 0 for s in sources}
        self.missed_ticks: dict[str, int] = {s.name: 0 for s in sources}  # skipped because still busy

    @property
    def source_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self._sources)

    def subscribe(self, listener: Listener) -> None:
        """Call `listener` with every `Sample` from now on (any thread, running or not)."""
        with self._listeners_lock:
            self._listeners = (*self._listeners, listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling `listener`; a call already under way on the sampler thread may still finish."""
        with self._listeners_lock:
            self._listeners = tuple(x for x in self._listeners if x != listener)  # == : bound methods are made anew

    def tick_counts(self) -> dict[str, TickCount]:
        """Per source: ticks due so far and how many were skipped (safe from any thread)."""
        return {
            name: TickCount(self._due[name], self._skipped_late[name], self.missed_ticks[name])
            for name in self.source_names
        }

    def start(self, duration_s: float | None = None) -> None:
        """Start sampling; with `duration_s`, only the ticks before start + duration, then end by itself."""
        self._thread = threading.Thread(target=self._run, args=(duration_s,), name="aiwm-sampler", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop scheduling, deliver the reads in flight, and close the sources that answer."""
        self._stop.set()
        self._results.put(None)
        if self._thread is not None:
            self._thread.join(timeout_s)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self, duration_s: float | None) -> None:
        workers = [_SourceWorker(s, self._results, self._clock) for s in self._sources]
        start = self._clock.monotonic()
        limits = [_tick_limit(duration_s, w.source.interval_s) for w in workers]
        tick_numbers = [0 for _ in workers]  # tick n of a source is due at start + n x interval
        due = [start for _ in workers]
        while not self._stop.is_set():
            now = self._clock.monotonic()
            for index, worker in enumerate(workers):
                if tick_numbers[index] < limits[index] and due[index] <= now:
                    name, interval_s = worker.source.name, worker.source.interval_s
                    self._tick(worker, due[index], now)
                    following = min(_next_tick_number(start, interval_s, now), limits[index])
                    self._skipped_late[name] += following - tick_numbers[index] - 1
                    self._due[name] += following - tick_numbers[index]
                    tick_numbers[index], due[index] = following, start + following * interval_s
            waiting = [d for d, n, limit in zip(due, tick_numbers, limits, strict=True) if n < limit]
            if not waiting:
                break  # every tick of the duration is done
            self._deliver_until(min(waiting))
        self._drain(workers)

    def _tick(self, worker: _SourceWorker, tick_s: float, now: float) -> None:
        if worker.busy_since is None:
            worker.request(tick_s)
            return
        self.missed_ticks[worker.source.name] += 1
        waited = now - worker.busy_since
        self._emit(
            Sample(
                worker.source.name,
                worker.source.interval_s,
                self._clock.to_wall(tick_s),
                0.0,
                0.0,
                None,
                error=f"source has not answered for {waited:.1f} s; tick skipped",
            )
        )

    def _deliver_until(self, due_s: float) -> None:
        """Hand out finished samples until the next tick is due (or stop is asked)."""
        while not self._stop.is_set():
            wait_s = self._clock.to_real_s(due_s - self._clock.monotonic())
            if wait_s <= 0:
                return
            try:
                sample = self._results.get(timeout=wait_s)
            except queue.Empty:
                return
            if sample is not None:
                self._emit(sample)

    def _drain(self, workers: list[_SourceWorker]) -> None:
        for worker in workers:
            worker.stop(timeout_s=0.5)
        while True:
            try:
                sample = self._results.get_nowait()
            except queue.Empty:
                return
            if sample is not None:
                self._emit(sample)

    def _emit(self, sample: Sample) -> None:
        for listener in self._listeners:  # the tuple of this moment: subscribers may change meanwhile
            try:
                listener(sample)
            except Exception:  # one broken listener must not stop the others or the sampler
                log.exception("sample listener failed")


def _tick_limit(duration_s: float | None, interval_s: float) -> int:
    """How many ticks lie before start + duration (ticks 0 .. limit - 1); no limit without a duration."""
    if duration_s is None:
        return sys.maxsize
    return math.ceil(duration_s / interval_s - 1e-9)


def _next_tick_number(start: float, interval_s: float, now: float) -> int:
    """The number n of the first tick on the grid start + n x interval that lies after `now`."""
    return int((now - start) / interval_s) + 1
