"""Stand-ins for the runner developer's pieces until they merge: a workload that holds load on a
simulated GPU through the backend's public `hold_load`, a guard, and an in-memory store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.gpu.simulated_backend import SimulatedBackend
from app.core.sampling.sample import Sample
from app.stress.records import WorkloadStatus

PEAK_TFLOPS = 82.6  # any number: throughput here only has to follow the simulated clock


class HeldLoadWorkload:
    """Full load on one simulated GPU while started; TFLOPS follow the card's clock factor."""

    kind = "gpu"

    def __init__(self, backend: SimulatedBackend, index: int = 0, errors: int = 0) -> None:
        self.backend, self.index, self.errors = backend, index, errors
        self.device = f"gpu{index}"
        self.started = 0
        self.stopped = 0

    def start(self) -> None:
        self.started += 1
        self.backend.hold_load(self.index, 1.0, 20 * 2**30, "thermal-test")

    def _status(self, running: bool) -> WorkloadStatus:
        factor = self.backend.gpus[self.index].clock_factor
        return WorkloadStatus(running, errors=self.errors, metrics={"tflops": PEAK_TFLOPS * factor})

    def poll(self) -> WorkloadStatus:
        return self._status(self.stopped == 0)

    def stop(self) -> WorkloadStatus:
        self.stopped += 1
        self.backend.release_load(self.index)
        return self._status(False)


class FakeGuard:
    """Says stop when `rule(sample)` gives a reason; counts what it saw."""

    def __init__(self, rule: Callable[[Sample], str | None] = lambda s: None) -> None:
        self.rule = rule
        self.checked = 0

    def check(self, sample: Sample) -> str | None:
        self.checked += 1
        return self.rule(sample)


class MemoryStore:
    """save_result / past_results over a list, oldest first."""

    def __init__(self, docs: list[dict[str, Any]] | None = None) -> None:
        self.docs: list[dict[str, Any]] = list(docs or [])

    def save_result(self, document: dict[str, Any]) -> Any:
        self.docs.append(document)
        return f"memory/{len(self.docs)}.json"

    def past_results(self, schema: str, device: str | None = None) -> list[dict[str, Any]]:
        return [d for d in self.docs if d.get("schema") == schema and (device is None or d.get("device") == device)]
