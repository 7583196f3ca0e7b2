"""Fixed-size ring buffers over numpy arrays, mirrored so the newest rows are one contiguous view.

Each row is written twice, at `i` and `i + capacity`. The newest `n` rows then always sit in one
slice of the doubled array, so reading a window never copies, at the price of twice the memory.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


class MirroredRing:
    """A ring of `capacity` values (or rows of `width` values) with O(1) append and zero-copy windows."""

    def __init__(self, capacity: int, width: int | None = None, dtype: npt.DTypeLike = np.float64) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        shape = (2 * capacity,) if width is None else (2 * capacity, width)
        self.capacity = capacity
        self._data = np.full(shape, np.nan, dtype=dtype)
        self._head = 0  # next slot to write, in [0, capacity)
        self.count = 0

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)

    def append(self, value: object) -> None:
        """Add the newest value, dropping the oldest once full."""
        self._data[self._head] = value
        self._data[self._head + self.capacity] = value
        self._head = (self._head + 1) % self.capacity
        self.count = min(self.count + 1, self.capacity)

    def set_newest(self, value: object) -> None:
        """Overwrite the newest value (an aggregate bucket that is still filling)."""
        slot = (self._head - 1) % self.capacity
        self._data[slot] = value
        self._data[slot + self.capacity] = value

    def newest(self, n: int | None = None) -> np.ndarray:
        """The newest `n` values (all held, by default), oldest first, as a view into the buffer."""
        n = self.count if n is None else max(0, min(n, self.count))
        end = self._head + self.capacity
        return self._data[end - n : end]
