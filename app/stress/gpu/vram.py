"""The VRAM test's loop: pattern passes over as much free VRAM as is safe, errors with the first
failing address and a histogram of flipped bits.

A pass writes and checks, chunk by chunk: walking ones (each of the 32 bits alone), each word's own
address and its complement, moving inversions (fill p; check p and write ~p; check ~p and write p;
check p) and a random pattern from a seed that changes every pass. The kernels compute the patterns
(`kernels/vram.ptx`); the loop talks to them through `VramDevice`, which the tests imitate in numpy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from app.stress.gpu.failures import StressFailure
from app.stress.gpu.mismatches import BITS, Mismatches, add_histograms
from app.stress.gpu.worker import Report, ShouldStop
from app.stress.records import WorkloadStatus

MIB = 2**20
GIB = 2**30
MARGIN_FRACTION = 0.10  # left free for the driver, the display and other programs ...
MARGIN_MIN_BYTES = 512 * MIB  # ... whichever is more
CHUNK_BYTES = GIB  # one allocation and one kernel launch; small enough for a quick stop

CONSTANT, OWN_ADDRESS, RANDOM = 0, 1, 2  # the kernels' pattern modes
ALL_ONES = 0xFFFFFFFF
MOVING_INVERSION_PATTERN = 0x55555555
PatternName = Literal["walking_ones", "own_address", "moving_inversions", "random"]
PATTERNS: tuple[PatternName, ...] = ("walking_ones", "own_address", "moving_inversions", "random")
REPORT_INTERVAL_S = 1.0


class VramDevice(Protocol):
    """One GPU's memory with the pattern kernels loaded."""

    name: str

    def memory_info(self) -> tuple[int, int]:
        """(free, total) bytes now."""

    def allocate(self, size_bytes: int) -> int:
        """A device address; raises when the memory is not there."""

    def free(self, address: int) -> None: ...

    def fill(self, address: int, words: int, mode: int, param: int) -> None:
        """Write pattern (mode, param) into `words` 32-bit words from `address`."""

    def check(self, address: int, words: int, mode: int, param: int, then: tuple[int, int] | None) -> Mismatches:
        """Compare with pattern (mode, param), then write pattern `then` if given; waits for the result."""

    def flip_bit(self, address: int, bit: int) -> None:
        """Corrupt one bit of the word at `address` (error injection)."""

    def close(self) -> None: ...


OpenVramDevice = Callable[[str], VramDevice]


@dataclass(frozen=True)
class VramSettings:
    size_bytes: int | None = None  # None: as much as is safe
    patterns: tuple[PatternName, ...] = PATTERNS
    inject_error_at_pass: int | None = None  # flip one bit after the first fill of this pass (1 = first)
    chunk_bytes: int = CHUNK_BYTES
    report_interval_s: float = REPORT_INTERVAL_S


@dataclass(frozen=True)
class Step:
    """One kernel over every chunk: a fill, or a check (optionally writing the next pattern)."""

    check: bool
    mode: int
    param: int
    then: tuple[int, int] | None = None


def safe_test_bytes(free_bytes: int, total_bytes: int, requested: int | None) -> int:
    """How much to test: free memory less a margin of 10 % of the card or 512 MiB, whichever is more.
    A request above that is refused (testing it could starve the display or other programs)."""
    margin = max(int(total_bytes * MARGIN_FRACTION), MARGIN_MIN_BYTES)
    safe = max(0, free_bytes - margin) // 4 * 4
    if requested is None:
        return safe
    if requested > safe:
        raise StressFailure(
            f"asked to test {requested / MIB:.0f} MiB of VRAM but only {safe / MIB:.0f} MiB can be tested safely "
            f"({free_bytes / MIB:.0f} MiB free, {margin / MIB:.0f} MiB kept back)"
        )
    return requested // 4 * 4


def chunk_sizes(size_bytes: int, chunk_bytes: int = CHUNK_BYTES) -> list[int]:
    """Allocation sizes that add up to `size_bytes` (a multiple of 4), none above `chunk_bytes`."""
    full, rest = divmod(size_bytes, chunk_bytes)
    return [chunk_bytes] * full + ([rest] if rest else [])


def pass_steps(pattern: PatternName, pass_number: int) -> Iterator[Step]:
    """The kernels one pass of a pattern runs, in order."""
    if pattern == "walking_ones":
        for bit in range(BITS):
            yield Step(False, CONSTANT, 1 << bit)
            yield Step(True, CONSTANT, 1 << bit)
    elif pattern == "own_address":
        for param in (0, ALL_ONES):
            yield Step(False, OWN_ADDRESS, param)
            yield Step(True, OWN_ADDRESS, param)
    elif pattern == "moving_inversions":
        p, q = MOVING_INVERSION_PATTERN, MOVING_INVERSION_PATTERN ^ ALL_ONES
        yield Step(False, CONSTANT, p)
        yield Step(True, CONSTANT, p, then=(CONSTANT, q))
        yield Step(True, CONSTANT, q, then=(CONSTANT, p))
        yield Step(True, CONSTANT, p)
    else:
        seed = (0x9E3779B9 * pass_number) & ALL_ONES  # a new random pattern every pass, reproducible
        yield Step(False, RANDOM, seed)
        yield Step(True, RANDOM, seed)


@dataclass
class _Tally:
    started_s: float
    bytes_tested: int
    passes: int = 0
    mismatches: int = 0
    first_error_address: int | None = None
    histogram: tuple[int, ...] = (0,) * BITS

    def add(self, found: Mismatches, chunk_address: int) -> None:
        if found.words and self.first_error_address is None and found.first_index is not None:
            self.first_error_address = chunk_address + 4 * found.first_index
        self.mismatches += found.words
        self.histogram = add_histograms(self.histogram, found.bit_histogram)


def run_vram(
    open_device: OpenVramDevice,
    pci_bus_id: str,
    settings: VramSettings,
    *,
    report: Report,
    should_stop: ShouldStop,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """The worker process's body: allocate, run passes until told to stop, free, report."""
    device = open_device(pci_bus_id)
    chunks: list[tuple[int, int]] = []
    try:
        free, total = device.memory_info()
        chunks = _allocate(device, safe_test_bytes(free, total, settings.size_bytes), settings.chunk_bytes)
        tally = _Tally(started_s=clock(), bytes_tested=sum(size for _, size in chunks))
        last = [tally.started_s]

        def stopping() -> bool:
            now = clock()
            if now - last[0] >= settings.report_interval_s:
                report(vram_status(device.name, tally, running=True))
                last[0] = now
            return should_stop()

        while not stopping():
            tally.passes += _one_pass(device, chunks, settings, tally, stopping)
        report(vram_status(device.name, tally, running=False))
    finally:
        for address, _ in chunks:
            device.free(address)
        device.close()


def _allocate(device: VramDevice, size_bytes: int, chunk_bytes: int) -> list[tuple[int, int]]:
    """Chunks of (address, bytes); stops early when the driver has less than it said (others allocate too)."""
    chunks: list[tuple[int, int]] = []
    for size in chunk_sizes(size_bytes, chunk_bytes):
        try:
            chunks.append((device.allocate(size), size))
        except RuntimeError:
            break
    if not chunks:
        raise StressFailure(f"could not allocate any VRAM to test (wanted {size_bytes / MIB:.0f} MiB)")
    return chunks


def _one_pass(
    device: VramDevice,
    chunks: Sequence[tuple[int, int]],
    settings: VramSettings,
    tally: _Tally,
    stopping: ShouldStop,
) -> int:
    """Run every pattern once; 1 if the pass completed, 0 if it was stopped part-way."""
    pass_number = tally.passes + 1
    inject = settings.inject_error_at_pass == pass_number
    for pattern in settings.patterns:
        for step in pass_steps(pattern, pass_number):
            for address, size in chunks:
                if stopping():
                    return 0
                if step.check:
                    tally.add(device.check(address, size // 4, step.mode, step.param, step.then), address)
                else:
                    device.fill(address, size // 4, step.mode, step.param)
                    if inject:
                        device.flip_bit(address, 0)
                        inject = False
    return 1


def vram_status(name: str, tally: _Tally, *, running: bool) -> WorkloadStatus:
    address = tally.first_error_address
    return WorkloadStatus(
        running=running,
        iterations=tally.passes,
        errors=tally.mismatches,
        # the bytes of VRAM under test (whole bytes) and the complete passes of every pattern over them
        metrics={"bytes_tested": tally.bytes_tested, "passes": tally.passes},
        details={
            "gpu_name": name,
            "mismatches": tally.mismatches,
            "first_error_address": None if address is None else f"0x{address:x}",
            "flipped_bit_histogram": list(tally.histogram),
        },
    )
