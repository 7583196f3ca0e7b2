"""PLACEHOLDER (issue 9, runner helper replaces this file): a stress workload on a simulated GPU."""

from __future__ import annotations

from app.core.gpu.simulated_backend import SimulatedBackend
from app.stress.records import WorkloadStatus


class SimulatedGpuWorkload:
    """Holds full load on one simulated GPU (`SimulatedBackend.hold_load`); TFLOPS follow its clocks."""

    def __init__(self, backend: SimulatedBackend, index: int, kind: str = "gpu") -> None:
        self.backend = backend
        self.index = index
        self.kind = kind
        self.device = f"gpu{index}"

    def start(self) -> None:
        raise NotImplementedError

    def poll(self) -> WorkloadStatus:
        raise NotImplementedError

    def stop(self) -> WorkloadStatus:
        raise NotImplementedError
