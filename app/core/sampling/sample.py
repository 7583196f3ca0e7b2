"""The record the sampler hands out: one source's reading at one tick, or why there is none."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.records import Metrics, Reading


@dataclass(frozen=True)
class Sample:
    """One source read at one scheduled tick. Immutable: safe to pass between threads."""

    source: str
    interval_s: float
    tick_wall_s: float  # scheduled time of the tick, UNIX epoch seconds on the engine's clock
    duration_s: float  # wall time the source's read took
    cpu_s: float  # CPU time the source's read took on its worker thread
    reading: Reading | None
    error: str | None = None

    def metrics(self) -> Metrics:
        """The reading's metrics; none when the read failed."""
        return self.reading.metrics() if self.reading is not None else {}
