"""The RAM test's patterns, as 64-bit words computed from their position (memtester's set).

A pattern is a function of (first word's index in the whole test, number of words, pass seed), so
a chunk can be written and later checked without keeping a second copy of the buffer in memory.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Words = npt.NDArray[np.uint64]
Pattern = Callable[[int, int, int], Words]

ALL_ONES = np.uint64(0xFFFF_FFFF_FFFF_FFFF)
FIVES = np.uint64(0x5555_5555_5555_5555)


def _solid(value: np.uint64) -> Pattern:
    def pattern(first: int, count: int, seed: int) -> Words:
        return np.full(count, value, dtype=np.uint64)

    return pattern


def walking_ones(first: int, count: int, seed: int) -> Words:
    """Word i holds a single 1 bit at position i mod 64: every data line is set alone in turn."""
    shifts = (np.arange(first, first + count, dtype=np.uint64) % np.uint64(64)).astype(np.uint64)
    return np.left_shift(np.uint64(1), shifts)


def own_address(first: int, count: int, seed: int) -> Words:
    """Word i holds its own byte offset: a wrong or aliased address line shows as a wrong value."""
    return np.arange(first, first + count, dtype=np.uint64) * np.uint64(8)


def random_words(first: int, count: int, seed: int) -> Words:
    """Seeded random words; the same (seed, position) always gives the same word."""
    rng = np.random.Generator(np.random.PCG64([seed, first]))
    return rng.integers(0, 2**64, size=count, dtype=np.uint64, endpoint=False)


def random_complement(first: int, count: int, seed: int) -> Words:
    """The bitwise complement of `random_words`: every bit of every cell flips."""
    return np.invert(random_words(first, count, seed))


PATTERNS: dict[str, Pattern] = {
    "solid zeros": _solid(np.uint64(0)),
    "solid ones": _solid(ALL_ONES),
    "checkerboard 0x55": _solid(FIVES),
    "checkerboard 0xAA": _solid(np.invert(FIVES)),
    "walking ones": walking_ones,
    "own address": own_address,
    "random": random_words,
    "random complement": random_complement,
}
