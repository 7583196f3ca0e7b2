"""Which workload a test asks for: the real GPU workloads by PCI bus id, the simulated GPU with
`--demo`, or the host's CPU, RAM and disk workloads."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from app.core.engine import Engine
from app.core.errors import UserError
from app.core.gpu.simulated_backend import SimulatedBackend
from app.stress.records import Kind, Workload


def make_workload(
    kind: Kind, engine: Engine, device_index: int = 0, path: Path | None = None, size_bytes: int | None = None
) -> Workload:
    """The workload for one test; bad input (no GPU, no such GPU, no folder) is a one-line `UserError`."""
    if kind in ("gpu", "vram"):
        return _gpu_workload(kind, engine, device_index, size_bytes)
    from app.stress import host_workloads

    if kind == "cpu":
        return _as_workload(host_workloads.CpuWorkload())
    if kind == "ram":
        return _as_workload(host_workloads.RamWorkload(size_bytes))
    if kind == "disk":
        if path is None:
            raise UserError("the disk test needs --path DIR: a folder on the drive to test")
        return _as_workload(host_workloads.DiskWorkload(path, size_bytes))
    raise UserError(f"unknown test {kind!r}; choose gpu, vram, cpu, ram or disk")


def _gpu_workload(kind: Kind, engine: Engine, index: int, size_bytes: int | None) -> Workload:
    backend = engine.gpu_backend
    if isinstance(backend, SimulatedBackend):
        _check_index(index, backend.gpu_count)
        from app.stress.simulated_load import SimulatedGpuWorkload

        return SimulatedGpuWorkload(backend, index, kind)
    inventory = engine.inventory()
    if not inventory.nvidia.ok or not inventory.gpus:
        status = inventory.nvidia.status if not inventory.nvidia.ok else "NVML lists no GPU"
        raise UserError(f"no NVIDIA GPU: {status} (try --demo for a simulated one)")
    _check_index(index, len(inventory.gpus))
    info = next((g for g in inventory.gpus if g.index == index), None)
    # CUDA and NVML may number GPUs differently; the PCI bus id names the same card in both.
    if info is None or info.pci_bus_id is None:
        raise UserError(f"GPU {index} reports no PCI bus id, so CUDA cannot be pointed at the same card")
    from app.stress.gpu.workload import GpuBurnWorkload, VramWorkload

    label = f"gpu{index}"
    if kind == "vram":
        return _as_workload(VramWorkload(info.pci_bus_id, label, size_bytes))
    return _as_workload(GpuBurnWorkload(info.pci_bus_id, label))


def _check_index(index: int, count: int) -> None:
    if not 0 <= index < count:
        raise UserError(f"--device {index}: no such GPU; this machine has {count} (0 to {count - 1})")


def _as_workload(made: object) -> Workload:
    """The workload modules' classes follow the `Workload` protocol; said once here, so the factory
    type-checks whether or not a class spells `kind` as the protocol's literal type."""
    return cast(Workload, made)
