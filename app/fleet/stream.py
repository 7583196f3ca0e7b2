"""The writing side of `aiwm stream`: a bounded queue of lines and the one thread that writes them.

The sampler thread only offers samples; a writer thread of its own encodes them as `aiwm.stream/1`
lines and writes each one whole. A reader that stops reading (a stalled SSH connection, a script
that paused) blocks the writer thread, never the sampler: once `capacity_lines` samples wait, each
new one is dropped and counted, and a `dropped` line with the running total marks the place of the
gap when the writer gets there. So memory stays bounded however slow the reader is.
"""

from __future__ import annotations

import collections
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from app.core.sampling.alerts import AlertEvent
from app.core.sampling.sample import Sample
from app.fleet.wire import alert_line, dropped_line, sample_line

DEFAULT_CAPACITY_LINES = 256  # about 4 minutes of samples at 1 s, a few hundred KiB

# Alerts change rarely and matter more than one sample: they may go past a full queue by this many
# lines before they too are dropped (counted in `dropped_alerts`, not in the wire's sample count).
ALERT_HEADROOM_LINES = 32


@dataclass(frozen=True)
class _Gap:
    """Where samples were dropped: the running total of dropped samples, at `wall_s`."""

    count: int
    wall_s: float


_Item = Sample | AlertEvent | _Gap


def fd_writer(fd: int) -> Callable[[bytes], None]:
    """Write all of `data` to the file descriptor `fd` (a pipe may take it in parts)."""

    def write(data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]

    return write


class StreamWriter:
    """Writes the header, then every offered sample and alert as a line, on a thread of its own.

    `write` gets one whole line (with its newline) per call and may block. When it raises
    `OSError` (the reader left: `BrokenPipeError`; a full disk), the writer stops, keeps the error
    in `failure` and calls `on_end`, so the command can end.
    """

    def __init__(
        self,
        write: Callable[[bytes], None],
        header: str,
        wall_clock: Callable[[], float],
        on_end: Callable[[], None] = lambda: None,
        capacity_lines: int = DEFAULT_CAPACITY_LINES,
    ) -> None:
        if capacity_lines < 1:
            raise ValueError("the queue must hold at least one line")
        self._write = write
        self._header = header
        self._wall_clock = wall_clock
        self._on_end = on_end
        self.capacity_lines = capacity_lines
        self._items: collections.deque[_Item] = collections.deque()
        self._changed = threading.Condition()
        self._finishing = False
        self._gap_open = False  # samples were dropped and no `_Gap` is queued for them yet
        self.dropped = 0  # samples dropped in all (what the `dropped` lines say)
        self.dropped_alerts = 0
        self.samples_offered = 0  # every sample the sampler handed over: written, waiting or dropped
        self.samples_written = 0
        self.failure: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="aiwm-stream-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def queued(self) -> int:
        """Lines waiting to be written now."""
        return len(self._items)

    def offer_sample(self, sample: Sample) -> None:
        """Queue `sample`, or drop and count it when the queue is full; never blocks on the reader."""
        with self._changed:
            self.samples_offered += 1
            if len(self._items) >= self.capacity_lines:
                self.dropped += 1
                self._gap_open = True
                return
            self._close_gap()
            self._items.append(sample)
            self._changed.notify()

    def offer_alert(self, event: AlertEvent) -> None:
        """Queue an alert that fired or cleared; it may use the headroom past a full queue."""
        with self._changed:
            if len(self._items) >= self.capacity_lines + ALERT_HEADROOM_LINES:
                self.dropped_alerts += 1
                return
            self._close_gap()
            self._items.append(event)
            self._changed.notify()

    def _close_gap(self) -> None:
        """Mark the dropped samples before the next line, so the reader sees where they are missing."""
        if self._gap_open:
            self._items.append(_Gap(self.dropped, self._wall_clock()))
            self._gap_open = False

    def finish(self, timeout_s: float) -> bool:
        """Write what is queued (and the count of samples dropped last), then end the thread.

        Waits at most `timeout_s` for a slow reader; returns whether everything was written.
        """
        with self._changed:
            self._close_gap()
            self._finishing = True
            self._changed.notify()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        return not self._thread.is_alive() and self.failure is None

    def _next(self) -> _Item | None:
        with self._changed:
            while not self._items and not self._finishing:
                self._changed.wait()
            return self._items.popleft() if self._items else None

    def _run(self) -> None:
        try:
            self._send(self._header)
            while (item := self._next()) is not None:
                self._send(_line(item))
                if isinstance(item, Sample):
                    self.samples_written += 1
        except OSError as error:
            self.failure = error
            with self._changed:
                self._items.clear()  # nothing more can be written: free the memory now
        finally:
            self._on_end()

    def _send(self, line: str) -> None:
        self._write(line.encode("utf-8") + b"\n")


def _line(item: _Item) -> str:
    if isinstance(item, Sample):
        return sample_line(item)
    if isinstance(item, AlertEvent):
        return alert_line(*item.as_session_event())
    return dropped_line(item.wall_s, item.count)


def watch_end_of_input(fd: int, on_end_of_input: Callable[[], None]) -> threading.Thread | None:
    """Call `on_end_of_input` when `fd` reaches its end, on a daemon thread; what it reads is ignored.

    Over `ssh -T` the remote side's standard input closes when the client goes away, even when
    no signal arrives. A terminal is not watched (returns None): reading it from a background job
    (`aiwm stream > log &`) would stop the whole process (SIGTTIN); Ctrl+C ends it there. An input
    that cannot be read at all (closed, or made unreadable by `nohup`) is not watched either: the
    stream then ends by a signal or when its reader leaves.
    """
    if os.isatty(fd):
        return None

    def watch() -> None:
        try:
            while os.read(fd, 65536):
                pass
        except OSError:
            return
        on_end_of_input()

    thread = threading.Thread(target=watch, name="aiwm-stream-stdin", daemon=True)
    thread.start()
    return thread
