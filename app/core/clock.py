"""Injectable time. The sampler, the simulated GPUs and the recorder all read one clock.

`SystemClock` is real time. `ScaledClock` runs K times faster than real time, so a test or a
demo can cover half an hour of simulated heat-up in seconds. Wall-clock time is derived from the
monotonic clock plus a fixed offset taken at start, so timestamps never jump with NTP.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """What the engine needs of time."""

    def monotonic(self) -> float:
        """Seconds on this clock; never goes backwards."""
        ...

    def to_wall(self, monotonic_s: float) -> float:
        """UNIX epoch seconds for a reading of `monotonic()`."""
        ...

    def to_real_s(self, clock_s: float) -> float:
        """Real seconds to wait for `clock_s` seconds to pass on this clock."""
        ...


class SystemClock:
    """Real time."""

    def __init__(self) -> None:
        self._offset = time.time() - time.monotonic()

    def monotonic(self) -> float:
        return time.monotonic()

    def to_wall(self, monotonic_s: float) -> float:
        return monotonic_s + self._offset

    def to_real_s(self, clock_s: float) -> float:
        return clock_s


class ScaledClock:
    """Time that runs `scale` times faster than real time, starting from now."""

    def __init__(self, scale: float) -> None:
        if scale <= 0:
            raise ValueError("time scale must be positive")
        self.scale = scale
        self._real_start = time.monotonic()
        self._offset = time.time() - self._real_start

    def monotonic(self) -> float:
        return self._real_start + (time.monotonic() - self._real_start) * self.scale

    def to_wall(self, monotonic_s: float) -> float:
        return monotonic_s + self._offset

    def to_real_s(self, clock_s: float) -> float:
        return clock_s / self.scale


def iso_utc(wall_s: float) -> str:
    """UNIX seconds as ISO-8601 UTC with milliseconds, e.g. 2026-11-28T07:25:57.123Z."""
    return datetime.fromtimestamp(wall_s, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
