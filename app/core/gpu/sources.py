"""Sampler sources over a GPU backend (NVML or simulated): fast readings and slow PCIe throughput."""

from __future__ import annotations

from typing import Protocol

from app.core.gpu.records import GpuInfo, GpuSetReading, NvidiaStatus, PcieThroughputReading


class GpuBackend(Protocol):
    """What the NVML adapter and the simulated GPUs both offer."""

    @property
    def gpu_count(self) -> int: ...

    def status(self) -> NvidiaStatus: ...

    def inventory(self, refresh: bool = False) -> tuple[GpuInfo, ...]: ...

    def read(self) -> GpuSetReading: ...

    def read_pcie(self) -> PcieThroughputReading: ...

    def close(self) -> None: ...


class GpuSource:
    """Every GPU's live readings, once per interval."""

    name = "gpu"

    def __init__(self, backend: GpuBackend, interval_s: float = 1.0) -> None:
        self.backend = backend
        self.interval_s = interval_s

    def read(self) -> GpuSetReading:
        return self.backend.read()

    def close(self) -> None:
        """The engine owns the backend and closes it after the sampler stops."""


class PcieThroughputSource:
    """PCIe TX/RX per GPU at a slow rate: each NVML counter read blocks for about 20 ms."""

    name = "gpu_pcie"

    def __init__(self, backend: GpuBackend, interval_s: float = 5.0) -> None:
        self.backend = backend
        self.interval_s = interval_s

    def read(self) -> PcieThroughputReading:
        return self.backend.read_pcie()

    def close(self) -> None:
        """The engine owns the backend and closes it after the sampler stops."""
