"""Small sources with known behaviour, for sampler, history and recorder tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from app.core.records import Metrics


@dataclass(frozen=True)
class CounterReading:
    name: str
    value: float

    def metrics(self) -> Metrics:
        return {f"{self.name}.value": self.value}


class CountingSource:
    """Returns 0, 1, 2, ... on successive reads."""

    def __init__(self, name: str, interval_s: float) -> None:
        self.name, self.interval_s, self.reads = name, interval_s, 0
        self.closed = False

    def read(self) -> CounterReading:
        self.reads += 1
        return CounterReading(self.name, float(self.reads - 1))

    def close(self) -> None:
        self.closed = True


class HangingSource:
    """Blocks in `read()` until released, like a stuck driver call."""

    def __init__(self, name: str = "stuck", interval_s: float = 0.25) -> None:
        self.name, self.interval_s = name, interval_s
        self.release = threading.Event()

    def read(self) -> CounterReading:
        self.release.wait(30)
        return CounterReading(self.name, 1.0)

    def close(self) -> None:
        """Nothing held."""


class FailingSource:
    name, interval_s = "broken", 0.25

    def read(self) -> CounterReading:
        raise OSError("sensor unplugged")

    def close(self) -> None:
        """Nothing held."""
