"""Sources: one per kind of hardware. Each has a name, an interval and a `read()` that returns a record."""

from __future__ import annotations

from typing import Protocol

from app.core.records import Reading


class Source(Protocol):
    """A thing the sampler reads at its own interval. `read()` may raise; the sampler records why."""

    name: str
    interval_s: float

    def read(self) -> Reading:
        """Take one reading now."""
        ...

    def close(self) -> None:
        """Release what the source holds (library handles, files)."""
        ...
