"""RAM stress: write memtester-style patterns over a safe share of available memory and read them back.

The share leaves at least 2 GiB or 10 % of total memory available, whichever is more, so the test
cannot push the machine into swapping or the OOM killer. A user-space test cannot reach memory the
kernel keeps for itself; the details say so.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import psutil

from app.core.units import format_bytes
from app.stress.host.base import HostWorkload
from app.stress.host.cpu import usable_cores
from app.stress.host.workers import Channel, Report

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from app.stress.host.ram_patterns import Pattern, Words

    # A hook between writing a pattern and checking it: (worker, pass number, the worker's words).
    # It may change the words in place (a test flips a bit). Must be a module-level function.
    Tamper = Callable[[int, int, npt.NDArray[np.uint64]], None]

GIB = 1 << 30
FLOOR_BYTES = 2 * GIB  # the least memory the test leaves available
FLOOR_FRACTION = 0.10  # ... or this share of total memory, whichever is more
MAX_WORKERS = 4
CHUNK_WORDS = 1 << 19  # 4 MiB per step: the pattern for one step is computed, then written or checked
REPORT_EVERY_S = 0.5
SEED = 0x5EED


class MemoryFigures(NamedTuple):
    """The two figures of psutil.virtual_memory() the cap needs."""

    total: int
    available: int


@dataclass(frozen=True)
class RamPlan:
    """How much the test uses, and why."""

    size_bytes: int
    reserve_bytes: int
    note: str
    capped: bool = False  # the user asked for more than the safe share


def plan_ram_test(requested_bytes: int | None, memory: MemoryFigures) -> RamPlan:
    """The bytes to test: the safe share of available memory, or less when the user asks for less."""
    reserve = max(FLOOR_BYTES, int(memory.total * FLOOR_FRACTION))
    safe = max(0, memory.available - reserve)
    rule = f"it leaves at least {_size(reserve)} available (2 GiB or 10 % of total, whichever is more)"
    if requested_bytes is None:
        return RamPlan(safe, reserve, f"the safe share of {_size(memory.available)} available: {_size(safe)}; {rule}")
    if requested_bytes > safe:
        note = (
            f"--size {requested_bytes} is above the safe share of available memory: capped at {_size(safe)}"
            f" instead of {_size(requested_bytes)}; {rule}"
        )
        return RamPlan(safe, reserve, note, capped=True)
    return RamPlan(requested_bytes, reserve, f"{_size(requested_bytes)} as asked; {rule}")


def _size(size_bytes: int) -> str:
    """ "8.00 GiB (8589934592 bytes)": readable, and exact for a test or a script."""
    return f"{format_bytes(size_bytes)} ({size_bytes} bytes)"


def ram_worker(channel: Channel, index: int, words: int, first_word: int, tamper: Tamper | None) -> None:
    """Write and check every pattern over this worker's words until stopped.

    Reports the bytes it covers (its whole share, once one pattern was written and checked over
    all of it), the pattern checks done ("iterations") and the complete passes of every pattern.
    """
    import numpy as np

    from app.stress.host.ram_patterns import PATTERNS

    buffer = np.empty(words, dtype=np.uint64)
    state: Report = {"iterations": 0, "errors": 0, "bytes_tested": 0, "passes": 0, "first_error": None}
    last_report = time.monotonic()
    while not channel.stop_requested():
        for name, pattern in PATTERNS.items():
            seed = SEED + state["passes"]
            if not _write_all(channel, buffer, first_word, seed, pattern):
                break
            if tamper is not None:
                tamper(index, state["passes"], buffer)
            found = _check_all(channel, buffer, first_word, seed, pattern)
            if found is None:
                break
            _count(state, found, name, words * 8)
            if time.monotonic() - last_report >= REPORT_EVERY_S:
                channel.report(state)
                last_report = time.monotonic()
        else:
            state["passes"] += 1
    channel.report(state)


def _write_all(channel: Channel, buffer: Words, first_word: int, seed: int, pattern: Pattern) -> bool:
    """Write the pattern chunk by chunk; False when a stop came in between."""
    for start in range(0, len(buffer), CHUNK_WORDS):
        if channel.stop_requested():
            return False
        end = min(len(buffer), start + CHUNK_WORDS)
        buffer[start:end] = pattern(first_word + start, end - start, seed)
    return True


def _check_all(channel: Channel, buffer: Words, first_word: int, seed: int, pattern: Pattern) -> list[Mismatch] | None:
    """Each chunk's (mismatching words, byte offset of the first, expected, read); None if stopped."""
    import numpy as np

    found = []
    for start in range(0, len(buffer), CHUNK_WORDS):
        if channel.stop_requested():
            return None
        expected = pattern(first_word + start, min(len(buffer), start + CHUNK_WORDS) - start, seed)
        wrong = np.flatnonzero(buffer[start : start + len(expected)] != expected)
        if wrong.size:
            at = int(wrong[0])
            offset = (first_word + start + at) * 8
            found.append(Mismatch(int(wrong.size), offset, int(expected[at]), int(buffer[start + at])))
    return found


def _count(state: Report, found: list[Mismatch], pattern_name: str, share_bytes: int) -> None:
    """Add one pattern checked over the worker's whole share, keeping the first failing offset."""
    state["errors"] += sum(m.words for m in found)
    state["bytes_tested"] = share_bytes  # covered: every byte of the share was written and read back
    state["iterations"] += 1
    if found and state["first_error"] is None:
        first = found[0]
        state["first_error"] = {
            "offset_bytes": first.offset_bytes,
            "expected": f"{first.expected:#018x}",
            "read": f"{first.read:#018x}",
            "pattern": pattern_name,
        }


class Mismatch(NamedTuple):
    """Words of one chunk that did not read back as written."""

    words: int
    offset_bytes: int  # of the first, from the start of the tested memory
    expected: int
    read: int


class RamWorkload(HostWorkload):
    """Pattern test over a safe share of available memory, split across a few worker processes."""

    kind = "ram"
    device = "ram"

    def __init__(
        self,
        size_bytes: int | None = None,
        *,
        memory: Callable[[], MemoryFigures] | None = None,
        workers: int | None = None,
        tamper: Tamper | None = None,
    ) -> None:
        super().__init__()
        if size_bytes is not None and size_bytes <= 0:
            raise ValueError(f"size_bytes must be positive, not {size_bytes}")
        self.size_bytes = size_bytes
        self._memory = memory or _psutil_memory
        self._workers = workers or min(MAX_WORKERS, len(usable_cores()))
        self._tamper = tamper
        self._plan: RamPlan | None = None

    @property
    def plan(self) -> RamPlan | None:
        """The size decided at start (None before)."""
        return self._plan

    def _check(self) -> str | None:
        """Decide the size from the memory available now; too little for every worker refuses."""
        self._plan = plan_ram_test(self.size_bytes, self._memory())
        if self._plan.size_bytes < 8 * self._workers:
            return f"not enough available memory for a RAM test: {self._plan.note}"
        return None

    def _notes(self) -> tuple[str, ...]:
        return (self._plan.note,) if self._plan is not None and self._plan.capped else ()

    def _worker(self) -> tuple[Callable[..., None], list[tuple[Any, ...]], Mapping[str, str]]:
        assert self._plan is not None
        total_words = self._plan.size_bytes // 8
        share, extra = divmod(total_words, self._workers)
        args, first = [], 0
        for index in range(self._workers):
            words = share + (1 if index < extra else 0)
            args.append((index, words, first, self._tamper))
            first += words
        return ram_worker, args, {}

    def _metrics(self, reports: list[Report]) -> dict[str, float | None]:
        """Bytes of memory covered (each worker's share once it checked a pattern over all of it)
        and complete passes of every pattern over all of them (the slowest worker's count)."""
        passes = [int(r.get("passes", 0)) for r in reports]
        return {
            "bytes_tested": sum(int(r.get("bytes_tested", 0)) for r in reports),
            "passes": min(passes, default=0),
        }

    def _details(self, reports: list[Report]) -> dict[str, object]:
        first = [r["first_error"] for r in reports if r.get("first_error")]
        plan = self._plan
        return {
            "size_bytes": plan.size_bytes if plan else None,
            "size_note": plan.note if plan else None,
            "notes": [plan.note] if plan and plan.capped else [],
            "workers": self._workers,
            "first_error": min(first, key=lambda e: int(e["offset_bytes"])) if first else None,
            "coverage": "user-space test: memory the kernel keeps for itself is not tested",
        }


def _psutil_memory() -> MemoryFigures:
    memory = psutil.virtual_memory()
    return MemoryFigures(total=int(memory.total), available=int(memory.available))
