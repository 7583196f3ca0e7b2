"""The one background sampler: reads every source at its own interval and hands out `Sample`s.

One scheduler thread keeps the timetable. Each source is read on a worker thread of its own, so
a source that hangs (a stuck driver, an NFS mount) misses its ticks and is reported, while the
others keep their schedule. Ticks are computed from the start time (start + n x interval), so
they never drift, and a late tick is skipped rather than bunched.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

from app.core.clock import Clock
from app.core.sampling.sample import Sample
from app.core.sources import Source

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 0.25
Listener = Callable[[Sample], None]


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
    """

    def __init__(self, sources: Sequence[Source], clock: Clock) -> None:
        for source in sources:
            if source.interval_s < MIN_INTERVAL_S:
                raise ValueError(f"{source.name}: interval {source.interval_s} s is below {MIN_INTERVAL_S} s")
        self._sources = list(sources)
        self._clock = clock
        self._listeners: list[Listener] = []
        self._results: queue.SimpleQueue[Sample | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.missed_ticks: dict[str, int] = {s.name: 0 for s in sources}

    def subscribe(self, listener: Listener) -> None:
        """Add a listener before `start()`."""
        self._listeners.append(listener)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="aiwm-sampler", daemon=True)
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

    def _run(self) -> None:
        workers = [_SourceWorker(s, self._results, self._clock) for s in self._sources]
        start = self._clock.monotonic()
        due = [start for _ in workers]
        while not self._stop.is_set():
            now = self._clock.monotonic()
            for index, worker in enumerate(workers):
                if due[index] <= now:
                    self._tick(worker, due[index], now)
                    due[index] = _next_due(start, worker.source.interval_s, now)
            self._deliver_until(min(due))
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
        for listener in self._listeners:
            try:
                listener(sample)
            except Exception:  # one broken listener must not stop the others or the sampler
                log.exception("sample listener failed")


def _next_due(start: float, interval_s: float, now: float) -> float:
    """The first tick on the grid start + n x interval that lies after `now`."""
    return start + (int((now - start) / interval_s) + 1) * interval_s
