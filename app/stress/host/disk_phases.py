"""The disk worker: one process that repeats four measured phases until it is stopped.

1. sequential write of the test file, 1 MiB at a time, flushed with fsync (timed until it returns);
2. sequential read of it, every block checked;
3. random 4 KiB reads from several threads, one outstanding read each (IOPS, p50/p99 latency);
4. create, then read back, many small files (the access pattern of an image dataset).
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.stress.host.disk_io import BLOCK, IO_SIZE, BlockPattern, aligned_buffer, block_is_good, open_direct
from app.stress.host.workers import Channel

# A hook on the comparison path: (phase, file offset or file number, the data just read) may change
# the data in place (a test corrupts a block). Must be a module-level function (it is pickled).
Tamper = Callable[[str, int, Any], None]
STOP_CHECK_BLOCKS = 16  # look for a stop request every 16 MiB of sequential I/O
DISK_FULL_ERRNOS = frozenset(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if code is not None)
DISK_FILLED = "the disk filled up (another program wrote to it)"


@dataclass(frozen=True)
class DiskPlan:
    """Sizes and counts of one disk test."""

    seq_bytes: int
    threads: int
    rand_read_s: float
    small_files: int
    small_file_bytes: int

    @property
    def bytes_written(self) -> int:
        return self.seq_bytes + self.small_files * self.small_file_bytes


@dataclass
class _State:
    iterations: int = 0
    errors: int = 0
    metrics: dict[str, float | None] = field(default_factory=dict)
    details: dict[str, object] = field(default_factory=dict)

    def error_at(self, phase: str, where: int, count: int = 1) -> None:
        self.errors += count
        self.details.setdefault("first_error", f"{phase}: data check failed at {where}")

    def as_report(self) -> dict[str, object]:
        return {"iterations": self.iterations, "errors": self.errors, "metrics": self.metrics, "details": self.details}


class _Stopped(Exception):
    """A stop request arrived in the middle of a phase."""


def disk_worker(channel: Channel, folder: str, plan: DiskPlan, fstype: str | None, tamper: Tamper | None) -> None:
    """Run the four phases in `folder` until stopped, reporting after each phase.

    A full disk ends the run as aborted, not failed: the free space was checked before the start
    with a margin, so another program filled it, and the drive is not at fault. A worker whose
    parent died (kill -9) removes the scratch folder itself, so no gigabyte file is left behind.
    """
    try:
        _run_phases(channel, folder, plan, fstype, tamper)
    finally:
        if channel.parent_gone:
            shutil.rmtree(folder, ignore_errors=True)


def _run_phases(channel: Channel, folder: str, plan: DiskPlan, fstype: str | None, tamper: Tamper | None) -> None:
    state = _State()
    pattern = BlockPattern(seed=os.getpid())
    path = str(Path(folder) / "sequential.bin")
    phases: list[Callable[[], None]] = [
        lambda: _sequential_write(channel, path, plan, pattern, state, fstype),
        lambda: _sequential_read(channel, path, plan, pattern, state, tamper),
        lambda: _random_reads(channel, path, plan, state, tamper),
        lambda: _small_files(channel, Path(folder), plan, state, tamper),
    ]
    try:
        while True:
            for phase in phases:
                phase()
                channel.report(state.as_report())
            state.iterations += 1
    except _Stopped:
        channel.report(state.as_report())
    except OSError as error:
        if error.errno not in DISK_FULL_ERRNOS:
            raise
        channel.report({**state.as_report(), "aborted": DISK_FILLED})


def _check_stop(channel: Channel) -> None:
    if channel.stop_requested():
        raise _Stopped


def _sequential_write(
    channel: Channel, path: str, plan: DiskPlan, pattern: BlockPattern, state: _State, fstype: str | None
) -> None:
    file, refused = open_direct(path, create=True)
    state.details["page_cache_bypassed"] = refused is None
    if refused is not None:
        state.details["page_cache_note"] = f"page cache not bypassed: {fstype or 'this filesystem'} refuses O_DIRECT"
    buffer = aligned_buffer(IO_SIZE)
    buffer[:] = pattern.template
    try:
        started = time.perf_counter()
        for number, offset in enumerate(range(0, plan.seq_bytes, IO_SIZE)):
            if number % STOP_CHECK_BLOCKS == 0:
                _check_stop(channel)
            pattern.fill(buffer, offset)
            file.write_at(buffer, offset)
        file.sync()
        state.metrics["seq_write_bytes_per_s"] = plan.seq_bytes / (time.perf_counter() - started)
    finally:
        file.close()


def _sequential_read(
    channel: Channel, path: str, plan: DiskPlan, pattern: BlockPattern, state: _State, tamper: Tamper | None
) -> None:
    import numpy as np

    file, _ = open_direct(path, create=False)
    if not file.direct and hasattr(os, "posix_fadvise"):
        os.posix_fadvise(file.fd, 0, 0, os.POSIX_FADV_DONTNEED)  # best effort: drop what the cache holds
    buffer, expected = aligned_buffer(IO_SIZE), aligned_buffer(IO_SIZE)
    expected[:] = pattern.template
    read_words, expected_words = np.frombuffer(buffer, dtype=np.uint64), np.frombuffer(expected, dtype=np.uint64)
    try:
        started = time.perf_counter()
        for number, offset in enumerate(range(0, plan.seq_bytes, IO_SIZE)):
            if number % STOP_CHECK_BLOCKS == 0:
                _check_stop(channel)
            got = file.read_at(buffer, offset)
            if tamper is not None:
                tamper("seq_read", offset, buffer)
            pattern.fill(expected, offset)
            if got != IO_SIZE or not np.array_equal(read_words, expected_words):
                bad = pattern.bad_blocks(buffer, offset) if got == IO_SIZE else [offset]
                if bad:
                    state.error_at("sequential read", bad[0], len(bad))
        state.metrics["seq_read_bytes_per_s"] = plan.seq_bytes / (time.perf_counter() - started)
    finally:
        file.close()


def _random_reads(channel: Channel, path: str, plan: DiskPlan, state: _State, tamper: Tamper | None) -> None:
    done = threading.Event()
    results: list[tuple[list[int], list[int]]] = [([], []) for _ in range(plan.threads)]
    threads = [
        threading.Thread(
            target=_random_reader, args=(path, plan, index, done, results[index], tamper), name=f"aiwm-randread-{index}"
        )
        for index in range(plan.threads)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    deadline = started + plan.rand_read_s
    while time.perf_counter() < deadline and not channel.stop_requested():
        time.sleep(min(0.05, max(0.0, deadline - time.perf_counter())))
    done.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    _check_stop(channel)
    latencies = sorted(ns for result in results for ns in result[0])
    bad = sorted(offset for result in results for offset in result[1])
    if bad:
        state.error_at("random read", bad[0], len(bad))
    state.metrics["rand_read_iops"] = len(latencies) / elapsed
    state.metrics["rand_read_p50_ms"] = _percentile_ms(latencies, 50)
    state.metrics["rand_read_p99_ms"] = _percentile_ms(latencies, 99)


def _random_reader(
    path: str,
    plan: DiskPlan,
    index: int,
    done: threading.Event,
    result: tuple[list[int], list[int]],
    tamper: Tamper | None,
) -> None:
    """One thread's 4 KiB reads at random aligned offsets, one at a time, until `done`."""
    file, _ = open_direct(path, create=False)
    buffer = aligned_buffer(BLOCK)
    view = memoryview(buffer)
    chooser = random.Random(index)
    blocks = plan.seq_bytes // BLOCK
    latencies, bad = result
    try:
        while not done.is_set():
            offset = chooser.randrange(blocks) * BLOCK
            before = time.perf_counter_ns()
            got = file.read_at(buffer, offset)
            latencies.append(time.perf_counter_ns() - before)
            if tamper is not None:
                tamper("rand_read", offset, buffer)
            if got != BLOCK or not block_is_good(view, offset):
                bad.append(offset)
    finally:
        view.release()
        file.close()


def _percentile_ms(sorted_ns: list[int], percent: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least `percent` % of reads at or below it)."""
    if not sorted_ns:
        return None
    rank = max(1, -(-len(sorted_ns) * percent // 100))
    return sorted_ns[int(rank) - 1] / 1e6


def _small_files(channel: Channel, folder: Path, plan: DiskPlan, state: _State, tamper: Tamper | None) -> None:
    """Create `small_files` files, then read each back and check its CRC; files per second over both."""
    where = folder / "small-files"
    where.mkdir(exist_ok=True)
    base = random.Random(plan.small_files).randbytes(plan.small_file_bytes)
    checksums = []
    started = time.perf_counter()
    for number in range(plan.small_files):
        if number % 64 == 0:
            _check_stop(channel)
        content = number.to_bytes(8, "little") + base[8:]
        checksums.append(zlib.crc32(content))
        (where / f"{number:07d}.bin").write_bytes(content)
    for number in range(plan.small_files):
        if number % 64 == 0:
            _check_stop(channel)
        data = bytearray((where / f"{number:07d}.bin").read_bytes())
        if tamper is not None:
            tamper("small_files", number, data)
        if zlib.crc32(data) != checksums[number]:
            state.error_at("small files", number)
    state.metrics["small_files_per_s"] = plan.small_files / (time.perf_counter() - started)
    for number in range(plan.small_files):
        (where / f"{number:07d}.bin").unlink()
