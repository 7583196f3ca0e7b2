"""Which workload a test asks for: the real GPU workloads by PCI bus id, the simulated GPU with
`--demo`, or the host's CPU, RAM and disk workloads.

Everything that can refuse a test as asked is checked here, before anything starts, so the
command line and the window both say it in one line and save nothing: a host test at a time
scale, a disk test that would not leave its free-space margin, a RAM test with no memory to
spare, a VRAM size above what the card can safely give.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from app.core.engine import Engine
from app.core.errors import UserError
from app.core.gpu.simulated_backend import SimulatedBackend
from app.stress.records import Kind, Workload

HOST_KINDS: tuple[Kind, ...] = ("cpu", "ram", "disk")


def make_workload(
    kind: Kind, engine: Engine, device_index: int = 0, path: Path | None = None, size_bytes: int | None = None
) -> Workload:
    """The workload for one test; bad input (no GPU, no such GPU, no folder, no room) is a one-line `UserError`."""
    if kind in ("gpu", "vram"):
        return _gpu_workload(kind, engine, device_index, size_bytes)
    if kind not in HOST_KINDS:
        raise UserError(f"unknown test {kind!r}; choose gpu, vram, cpu, ram or disk")
    if engine.options.time_scale != 1.0:
        raise UserError(
            f"the {kind} test loads this machine's real hardware, in real time: it cannot run at time scale"
            f" {engine.options.time_scale:g} (only the simulated GPU tests can)"
        )
    from app.stress import host_workloads

    if kind == "cpu":
        return _as_workload(host_workloads.CpuWorkload())
    if kind == "ram":
        ram = host_workloads.RamWorkload(size_bytes)
        ram.preflight()
        return _as_workload(ram)
    if path is None:
        raise UserError("the disk test needs --path DIR: a folder on the drive to test")
    disk = host_workloads.DiskWorkload(path, size_bytes)
    disk.preflight()
    return _as_workload(disk)


def _gpu_workload(kind: Kind, engine: Engine, index: int, size_bytes: int | None) -> Workload:
    backend = engine.gpu_backend
    if isinstance(backend, SimulatedBackend):
        _check_index(index, backend.gpu_count)
        from app.stress.simulated_load import SimulatedGpuWorkload

        return SimulatedGpuWorkload(backend, index, kind, size_bytes=size_bytes)
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
        if size_bytes is not None:
            _check_vram_size(engine, index, size_bytes)
        return _as_workload(VramWorkload(info.pci_bus_id, label, size_bytes))
    return _as_workload(GpuBurnWorkload(info.pci_bus_id, label))


def _check_vram_size(engine: Engine, index: int, size_bytes: int) -> None:
    """Refuse a `--size` above the free VRAM less the margin, from NVML's reading now (the worker
    checks again when it allocates; a card that does not report its memory is left to it)."""
    from app.stress.gpu.failures import StressFailure
    from app.stress.gpu.vram import safe_test_bytes

    reading = next((g for g in engine.gpu_backend.read().gpus if g.index == index), None)
    if reading is None or reading.vram_total_bytes is None or reading.vram_used_bytes is None:
        return
    free = reading.vram_total_bytes - reading.vram_used_bytes
    try:
        safe_test_bytes(free, reading.vram_total_bytes, size_bytes)
    except StressFailure as refused:
        raise UserError(f"--size {size_bytes}: GPU {index}: {refused}") from None


def _check_index(index: int, count: int) -> None:
    if not 0 <= index < count:
        raise UserError(f"--device {index}: no such GPU; this machine has {count} (0 to {count - 1})")


def _as_workload(made: object) -> Workload:
    """The workload modules' classes follow the `Workload` protocol; said once here, so the factory
    type-checks whether or not a class spells `kind` as the protocol's literal type."""
    return cast(Workload, made)
