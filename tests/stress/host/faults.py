"""Faults the tests inject into the workloads' comparison paths, run inside the worker processes.

Module-level functions (bound with functools.partial), because they travel to "spawn" workers by
pickling. Each changes data the way a faulty core, memory cell or disk would.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt


def flip_bit_in_product(target_core: int, core: int, number: int, product: npt.NDArray[np.float64]) -> Any:
    """From the third product on, the target core's results have one bit of one element flipped."""
    if core != target_core or number < 2:
        return product
    corrupted = product.copy()
    corrupted.view(np.uint64)[3, 5] ^= np.uint64(1)
    return corrupted


def require_single_threaded_and_pinned(core: int, number: int, product: npt.NDArray[np.float64]) -> Any:
    """Fail the worker unless BLAS was told to use one thread and the worker runs on its core only."""
    wrong = {name: os.environ.get(name) for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    wrong = {name: value for name, value in wrong.items() if value != "1"}
    if wrong or (hasattr(os, "sched_getaffinity") and os.sched_getaffinity(0) != {core}):
        raise RuntimeError(f"worker on core {core}: env {wrong}, affinity {os.sched_getaffinity(0)}")
    return product


def flip_bit_in_memory(target_worker: int, word: int, worker: int, passes: int, words: npt.NDArray[np.uint64]) -> None:
    """On the first pass only, one bit of one word of the target worker's memory reads back flipped."""
    if worker == target_worker and passes == 0:
        words[word] ^= np.uint64(1)


def corrupt_disk_read(target_phase: str, target_where: int, phase: str, where: int, data: Any) -> None:
    """Data read in `target_phase` at `target_where` (offset or file number; -1 = every read) has a byte changed."""
    if phase == target_phase and target_where in (where, -1):
        data[100] ^= 0xFF


def flip_bit_in_words(target_worker: int, first: int, count: int, worker: int, passes: int, words: Any) -> None:
    """On the first pass only, `count` neighbouring words of the target worker read back with bit 0 flipped."""
    if worker == target_worker and passes == 0:
        words[first : first + count] ^= np.uint64(1)


_corrupted_once: set[tuple[str, int]] = set()  # per worker process


def corrupt_two_blocks_once(target_phase: str, target_where: int, phase: str, where: int, data: Any) -> None:
    """The first read in `target_phase` at `target_where` has a byte changed in each of its first two 4 KiB
    blocks; later reads are clean (so the count of errors does not grow with the passes)."""
    if phase == target_phase and where == target_where and (phase, where) not in _corrupted_once:
        _corrupted_once.add((phase, where))
        data[100] ^= 0xFF
        data[4096 + 100] ^= 0xFF


def report_disk_full(channel: Any) -> None:
    """A worker body that meets a disk filled by another program: it reports the abort and ends."""
    from app.stress.host.disk_phases import DISK_FILLED

    channel.report({"iterations": 0, "errors": 0, "aborted": DISK_FILLED})
