"""PLACEHOLDER (issue 9, GPU helper replaces this file): the GPU compute and VRAM workloads."""

from __future__ import annotations

from app.stress.records import WorkloadStatus


class GpuBurnWorkload:
    """FP32 FMA and tensor-core burn on one GPU, every launch compared bit-exactly with the first."""

    kind = "gpu"

    def __init__(self, pci_bus_id: str, label: str = "gpu0") -> None:
        self.device = label
        self.pci_bus_id = pci_bus_id

    def start(self) -> None:
        raise NotImplementedError

    def poll(self) -> WorkloadStatus:
        raise NotImplementedError

    def stop(self) -> WorkloadStatus:
        raise NotImplementedError


class VramWorkload(GpuBurnWorkload):
    """Pattern tests over as much free VRAM as is safe."""

    kind = "vram"

    def __init__(self, pci_bus_id: str, label: str = "gpu0", size_bytes: int | None = None) -> None:
        super().__init__(pci_bus_id, label)
        self.size_bytes = size_bytes
