"""The stream's writer: a slow reader blocks only the writer thread; samples past the queue are
dropped, counted, and a `dropped` line marks the gap where it is."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

from app.core.sampling.alerts import Alert, AlertEvent
from app.core.sampling.sample import Sample
from app.fleet.records import StreamAlert, StreamDropped
from app.fleet.stream import ALERT_HEADROOM_LINES, StreamWriter, fd_writer, watch_end_of_input
from app.fleet.wire import parse_item

HEADER = '{"schema":"test header"}'
WALL_S = 1_800_000_000.5  # the fake engine wall clock: every `dropped` line carries it


class GatedReader:
    """A reader that takes nothing while its gate is closed, as a stalled pipe does."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.lines: list[str] = []

    def write(self, data: bytes) -> None:
        assert self.gate.wait(10), "the test never opened the gate"
        self.lines.append(data.decode())


def _sample(tick: float) -> Sample:
    return Sample("cpu", 1.0, tick, 0.0, 0.0, None)


def _alert(number: int) -> AlertEvent:
    return AlertEvent("fired", Alert("gpu_hot", f"gpu{number}", "warning", f"gpu{number} is hot"), 1000.0 + number)


@pytest.fixture
def reader() -> GatedReader:
    return GatedReader()


@pytest.fixture
def writer(reader: GatedReader) -> Iterator[StreamWriter]:
    made = StreamWriter(reader.write, HEADER, lambda: WALL_S, capacity_lines=3)
    made.start()
    yield made
    reader.gate.set()
    made.finish(5.0)


def _items(reader: GatedReader) -> list[object]:
    assert reader.lines[0] == HEADER + "\n"
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in reader.lines), "one whole line per write"
    return [parse_item(line) for line in reader.lines[1:]]


def _wait_until(condition: object, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_samples_past_a_full_queue_are_dropped_and_a_dropped_line_marks_the_gap(
    reader: GatedReader, writer: StreamWriter
) -> None:
    for tick in range(1, 7):  # 1-3 wait in the queue (capacity 3), 4-6 find it full
        writer.offer_sample(_sample(tick))
    assert writer.dropped == 3 and writer.queued == 3
    reader.gate.set()
    _wait_until(lambda: writer.queued < 3)
    writer.offer_sample(_sample(7))
    assert writer.finish(5.0)
    items = _items(reader)
    ticks = [item.tick_wall_s if isinstance(item, Sample) else item for item in items]
    assert ticks == [1.0, 2.0, 3.0, StreamDropped(WALL_S, 3), 7.0]
    assert (writer.samples_written, writer.samples_offered) == (4, 7)


def test_the_dropped_count_is_a_running_total_over_several_gaps(reader: GatedReader, writer: StreamWriter) -> None:
    for tick in range(1, 6):  # 2 dropped
        writer.offer_sample(_sample(tick))
    reader.gate.set()
    _wait_until(lambda: writer.queued == 0)
    reader.gate.clear()
    _wait_until(lambda: len(reader.lines) == 4)  # header + 3; the writer now waits for the next item
    writer.offer_sample(_sample(10))  # queued after the first gap's line, which blocks the writer
    _wait_until(lambda: writer.queued == 1)
    for tick in range(11, 16):  # 11 and 12 join 10 in the queue; 13, 14 and 15 are dropped
        writer.offer_sample(_sample(tick))
    reader.gate.set()
    _wait_until(lambda: writer.queued < 3)
    writer.offer_sample(_sample(20))
    assert writer.finish(5.0)
    dropped = [item.count for item in _items(reader) if isinstance(item, StreamDropped)]
    assert dropped == [2, 5]


def test_an_offer_never_waits_for_a_stalled_reader_and_the_queue_stays_bounded(
    reader: GatedReader, writer: StreamWriter
) -> None:
    started = time.perf_counter()
    for tick in range(10_000):
        writer.offer_sample(_sample(tick))
    assert time.perf_counter() - started < 2.0
    assert writer.queued == 3
    assert writer.dropped == 10_000 - 3


def test_samples_dropped_at_the_end_are_counted_in_a_last_dropped_line(
    reader: GatedReader, writer: StreamWriter
) -> None:
    for tick in range(1, 6):
        writer.offer_sample(_sample(tick))
    reader.gate.set()
    assert writer.finish(5.0)
    items = _items(reader)
    assert items[-1] == StreamDropped(WALL_S, 2)
    assert [item.tick_wall_s for item in items if isinstance(item, Sample)] == [1.0, 2.0, 3.0]


def test_alerts_pass_a_queue_full_of_samples_up_to_the_headroom_then_are_counted(
    reader: GatedReader, writer: StreamWriter
) -> None:
    for tick in range(1, 5):  # the fourth sample is dropped
        writer.offer_sample(_sample(tick))
    for number in range(ALERT_HEADROOM_LINES + 5):
        writer.offer_alert(_alert(number))
    # The gap marker takes one line of the headroom, then ALERT_HEADROOM_LINES - 1 alerts fit.
    assert writer.dropped_alerts == 6
    reader.gate.set()
    assert writer.finish(5.0)
    items = _items(reader)
    assert items[3] == StreamDropped(WALL_S, 1)
    assert items[4] == StreamAlert(1000.0, "alert_fired", "gpu0 is hot")
    assert sum(isinstance(item, StreamAlert) for item in items) == ALERT_HEADROOM_LINES - 1


def test_a_reader_that_left_stops_the_writer_and_calls_on_end() -> None:
    ended = threading.Event()

    def gone(_data: bytes) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    writer = StreamWriter(gone, HEADER, lambda: WALL_S, on_end=ended.set)
    writer.start()
    assert ended.wait(5.0)
    writer.offer_sample(_sample(1.0))
    assert not writer.finish(5.0)
    assert isinstance(writer.failure, BrokenPipeError)


def test_a_line_a_pipe_takes_in_parts_arrives_whole() -> None:
    read_fd, write_fd = os.pipe()
    try:
        line = b"x" * 300_000 + b"\n"  # more than a pipe holds (64 KiB on Linux): several os.write calls
        got = bytearray()
        reading = threading.Thread(target=lambda: got.extend(_read_all(read_fd)), name="test-reader")
        reading.start()
        fd_writer(write_fd)(line)
        os.close(write_fd)
        reading.join(10)
        assert bytes(got) == line
    finally:
        os.close(read_fd)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_the_end_of_input_is_noticed_and_input_before_it_is_ignored() -> None:
    read_fd, write_fd = os.pipe()
    ended = threading.Event()
    try:
        watcher = watch_end_of_input(read_fd, ended.set)
        assert watcher is not None
        os.write(write_fd, b"anything the client types\n")
        assert not ended.wait(0.3)
        os.close(write_fd)
        assert ended.wait(5.0)
        watcher.join(5.0)
    finally:
        os.close(read_fd)


def test_an_unreadable_input_is_not_taken_for_its_end() -> None:
    write_only = os.open(os.devnull, os.O_WRONLY)  # as `nohup` leaves standard input
    ended = threading.Event()
    try:
        watcher = watch_end_of_input(write_only, ended.set)
        assert watcher is not None
        watcher.join(5.0)
        assert not watcher.is_alive() and not ended.is_set()
    finally:
        os.close(write_only)


def test_a_terminal_is_not_watched_so_a_background_job_is_never_stopped_for_reading_it() -> None:
    controller, terminal = os.openpty()
    ended = threading.Event()
    try:
        assert watch_end_of_input(terminal, ended.set) is None
        assert not ended.is_set()
    finally:
        os.close(controller)
        os.close(terminal)


def test_the_help_states_the_queue_size_the_writer_uses() -> None:
    from app.cli.stream import STREAM_DESCRIPTION
    from app.fleet.stream import DEFAULT_CAPACITY_LINES

    assert f"past {DEFAULT_CAPACITY_LINES} waiting lines" in STREAM_DESCRIPTION
