"""What a bit-exact comparison found: how many words differed, where first, and which bits flipped."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BITS = 32
COUNTER_WORDS = 2 + BITS  # the u64 counters the compare kernels fill (see kernels/compare.ptx)
NO_INDEX = 2**64 - 1  # counters[1] starts here; the kernels lower it with atomic min


@dataclass(frozen=True)
class Mismatches:
    """Mismatching 32-bit words, the lowest mismatching word index (None: none), and per bit how
    many of them had that bit flipped (bit 0 is the least significant)."""

    words: int = 0
    first_index: int | None = None
    bit_histogram: tuple[int, ...] = (0,) * BITS

    @classmethod
    def from_counters(cls, counters: np.ndarray) -> Mismatches:
        """Decode the kernels' counters: [0] count, [1] lowest index or all ones, [2 + b] bit b."""
        words = int(counters[0])
        first = int(counters[1])
        return cls(
            words=words,
            first_index=None if words == 0 or first == NO_INDEX else first,
            bit_histogram=tuple(int(c) for c in counters[2 : 2 + BITS]),
        )


def fresh_counters() -> np.ndarray:
    """Counters before a comparison: zero counts, the lowest index at its 'none yet' value."""
    counters = np.zeros(COUNTER_WORDS, dtype=np.uint64)
    counters[1] = np.uint64(NO_INDEX)
    return counters


def add_histograms(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))
