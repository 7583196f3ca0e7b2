"""How long to wait before reconnecting to a host: 1, 2, 4 ... seconds, at most a minute.

Doubling keeps a dead server from being hammered, the cap keeps a host that comes back from
waiting long, and a connection that streamed for a while starts the count again, so a host
that drops once a day reconnects after one second, not after a minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Backoff:
    """The delays before the next tries; one per host, used from its reader thread only."""

    first_s: float = 1.0
    factor: float = 2.0
    max_s: float = 60.0
    reset_after_s: float = 30.0  # a connection that streamed this long was a good one
    _next_s: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        if not (0 < self.first_s <= self.max_s and self.factor >= 1 and self.reset_after_s >= 0):
            raise ValueError(f"back-off needs 0 < first ({self.first_s}) <= max ({self.max_s}) and factor >= 1")
        self._next_s = self.first_s

    def next_delay_s(self) -> float:
        """The wait before the next try; each call makes the following one longer, up to `max_s`."""
        delay = self._next_s
        self._next_s = min(self.max_s, self._next_s * self.factor)
        return delay

    def connection_ended(self, streamed_s: float) -> None:
        """A connection ended after streaming `streamed_s` seconds (0 if it never streamed)."""
        if streamed_s >= self.reset_after_s:
            self.reset()

    def reset(self) -> None:
        self._next_s = self.first_s
