"""Which workload a test gets: real GPUs by PCI bus id, simulated ones with --demo, host workloads."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from app.core.engine import Engine, EngineOptions
from app.core.errors import UserError
from app.core.gpu.records import GpuReading, GpuSetReading, NvidiaStatus
from app.core.inventory import Inventory
from app.stress import host_workloads
from app.stress.factory import make_workload
from app.stress.gpu.workload import GpuBurnWorkload, VramWorkload
from app.stress.simulated_load import SimulatedGpuWorkload
from tests.stress.fakes import GIB, gpu_info, inventory


@dataclass
class _RealBackend:
    """Stands for NvidiaBackend: anything that is not the simulated backend. Every GPU has 24 GiB,
    `used_bytes` of it in use."""

    gpu_count: int = 2
    used_bytes: int | None = 0

    def read(self) -> GpuSetReading:
        readings = tuple(
            replace(
                GpuReading.unreadable(gpu_info(index), "test"),
                vram_total_bytes=24 * GIB,
                vram_used_bytes=self.used_bytes,
            )
            for index in range(self.gpu_count)
        )
        return GpuSetReading(NvidiaStatus("ok", None, None, None), readings)


class _RealEngine:
    def __init__(self, machine: Inventory, used_bytes: int | None = 0) -> None:
        self.gpu_backend = _RealBackend(len(machine.gpus), used_bytes)
        self._inventory = machine
        self.options = EngineOptions()

    def inventory(self, refresh: bool = False) -> Inventory:
        return self._inventory


def _two_gpus() -> Inventory:
    # NVML's GPU 1 sits on bus 0x41, GPU 0 on 0x01: CUDA may order them differently.
    return inventory([gpu_info(0), replace(gpu_info(1), pci_bus_id="00000000:41:00.0")])


def test_real_gpu_workloads_are_pointed_at_the_card_by_pci_bus_id() -> None:
    engine = _RealEngine(_two_gpus())
    burn = make_workload("gpu", engine, 1)  # type: ignore[arg-type]
    vram = make_workload("vram", engine, 1, size_bytes=2**30)  # type: ignore[arg-type]
    assert isinstance(burn, GpuBurnWorkload) and not isinstance(burn, VramWorkload)
    assert (burn.pci_bus_id, burn.device) == ("00000000:41:00.0", "gpu1")
    assert isinstance(vram, VramWorkload)
    assert (vram.pci_bus_id, vram.size_bytes) == ("00000000:41:00.0", 2**30)


def test_no_nvidia_gpu_is_a_user_error_suggesting_demo() -> None:
    machine = replace(
        inventory(),
        nvidia=NvidiaStatus("NVML library (libnvidia-ml) not found", None, None, None, cause="library_not_found"),
    )
    with pytest.raises(UserError, match=r"^no NVIDIA GPU: NVML library \(libnvidia-ml\) not found .*--demo"):
        make_workload("gpu", _RealEngine(machine), 0)  # type: ignore[arg-type]
    with pytest.raises(UserError, match=r"^no NVIDIA GPU: NVML lists no GPU"):
        make_workload("vram", _RealEngine(inventory()), 0)  # type: ignore[arg-type]


def test_a_gpu_index_out_of_range_or_without_bus_id_is_a_user_error() -> None:
    with pytest.raises(UserError, match=r"--device 2: no such GPU; this machine has 2 \(0 to 1\)"):
        make_workload("gpu", _RealEngine(_two_gpus()), 2)  # type: ignore[arg-type]
    no_bus = inventory([replace(gpu_info(0), pci_bus_id=None)])
    with pytest.raises(UserError, match="no PCI bus id"):
        make_workload("gpu", _RealEngine(no_bus), 0)  # type: ignore[arg-type]


def test_demo_gives_the_simulated_gpu_workload() -> None:
    with Engine(EngineOptions(demo="rtx4090,rtx3090")) as engine:
        workload = make_workload("vram", engine, 1)
        assert isinstance(workload, SimulatedGpuWorkload)
        assert (workload.index, workload.kind, workload.device) == (1, "vram", "gpu1")
        with pytest.raises(UserError, match="--device 2: no such GPU"):
            make_workload("gpu", engine, 2)


def test_host_kinds_get_the_host_workloads_and_disk_needs_a_folder(tmp_path: Path) -> None:
    engine = _RealEngine(inventory())
    assert isinstance(make_workload("cpu", engine), host_workloads.CpuWorkload)  # type: ignore[arg-type]
    ram = make_workload("ram", engine, size_bytes=2**20)  # type: ignore[arg-type]
    assert isinstance(ram, host_workloads.RamWorkload)
    disk = make_workload("disk", engine, path=tmp_path, size_bytes=2**20)  # type: ignore[arg-type]
    assert isinstance(disk, host_workloads.DiskWorkload) and disk.device == str(tmp_path)
    with pytest.raises(UserError, match="needs --path"):
        make_workload("disk", engine)  # type: ignore[arg-type]


def test_host_tests_are_refused_at_a_time_scale_they_load_real_hardware_in_real_time(tmp_path: Path) -> None:
    with Engine(EngineOptions(demo="", time_scale=100.0)) as engine:
        for kind in ("cpu", "ram", "disk"):
            with pytest.raises(UserError, match=f"^the {kind} test loads this machine's real hardware, in real time"):
                make_workload(kind, engine, path=tmp_path)  # type: ignore[arg-type]


def test_a_disk_test_that_would_not_fit_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    """1 TB on this folder's file system cannot leave its margin free (the disk is smaller). The test
    writes whole MiB: 10¹² // 2²⁰ = 953 674 MiB = 999 999 668 224 bytes, plus 1000 small files of
    16 KiB (16 384 000 bytes): 1 000 016 052 224 bytes = 931.34 GiB."""
    engine = _RealEngine(inventory())
    expected = f"^not enough free space in {tmp_path}: .* free; the test writes 931.34 GiB \\(1000016052224 bytes\\)"
    with pytest.raises(UserError, match=expected):
        make_workload("disk", engine, path=tmp_path, size_bytes=10**12)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []  # no scratch folder, no file


def test_a_real_vram_size_above_the_free_memory_less_the_margin_is_refused() -> None:
    """24 GiB card with 20 GiB in use: 4 GiB free less the 2.4 GiB margin (10 % of 24 GiB) leaves
    1.6 GiB = 1717986918 bytes (rounded down to 4 bytes: 1717986916); 2 GiB is refused, 1 GiB is not."""
    engine = _RealEngine(_two_gpus(), used_bytes=20 * GIB)
    with pytest.raises(UserError, match=r"^--size 2147483648: GPU 1: asked to test 2048 MiB of VRAM but only 1638 MiB"):
        make_workload("vram", engine, 1, size_bytes=2 * GIB)  # type: ignore[arg-type]
    assert isinstance(make_workload("vram", engine, 1, size_bytes=GIB), VramWorkload)  # type: ignore[arg-type]
    unknown = _RealEngine(_two_gpus(), used_bytes=None)  # memory not reported: the worker checks when it allocates
    assert isinstance(make_workload("vram", unknown, 1, size_bytes=100 * GIB), VramWorkload)  # type: ignore[arg-type]
