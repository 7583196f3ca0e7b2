"""What the machine is: host, CPU, memory, disks, network interfaces and InfiniBand ports.

Read once and kept (`HostInventory.read`); the window and the CLI ask again only to refresh.
"""

from __future__ import annotations

import contextlib
import platform
import socket
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psutil

from app.core.gpu.records import GpuInfo, NvidiaStatus
from app.core.sysfs import SYSFS, physical_disks, read_int, read_text


@dataclass(frozen=True)
class HostInfo:
    hostname: str
    os: str
    kernel: str
    python: str


@dataclass(frozen=True)
class CpuInfo:
    model: str | None
    physical_cores: int | None
    logical_cores: int | None
    max_freq_mhz: float | None
    missing: tuple[tuple[str, str], ...] = ()  # (field, why) for each field that is None


@dataclass(frozen=True)
class DiskInfo:
    name: str
    model: str | None
    kind: str | None  # "nvme", "ssd", "hdd", or None where the OS does not say
    total_bytes: int | None
    mountpoints: tuple[str, ...]
    missing: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NicInfo:
    name: str
    speed_mbps: int | None
    is_up: bool
    missing: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class InfinibandPort:
    device: str
    port: int
    rate: str | None  # as the kernel words it, e.g. "200 Gb/sec (4X HDR)"
    state: str | None


@dataclass(frozen=True)
class HostInventory:
    host: HostInfo
    cpu: CpuInfo
    memory_total_bytes: int
    swap_total_bytes: int
    disks: tuple[DiskInfo, ...]
    network: tuple[NicInfo, ...]
    infiniband: tuple[InfinibandPort, ...]

    @staticmethod
    def read(sysfs: Path = SYSFS, cpuinfo: Path = Path("/proc/cpuinfo")) -> HostInventory:
        """Read the whole host inventory once (tens of milliseconds)."""
        return HostInventory(
            host=_host_info(),
            cpu=_cpu_info(cpuinfo),
            memory_total_bytes=psutil.virtual_memory().total,
            swap_total_bytes=psutil.swap_memory().total,
            disks=read_disks(sysfs),
            network=_nics(),
            infiniband=read_infiniband(sysfs),
        )


def _host_info() -> HostInfo:
    os_name = platform.system()
    if os_name == "Linux":
        with contextlib.suppress(OSError):
            os_name = platform.freedesktop_os_release().get("PRETTY_NAME", os_name)
    elif os_name == "Windows":
        os_name = f"Windows {platform.release()} ({platform.version()})"
    return HostInfo(socket.gethostname(), os_name, platform.release(), sys.version.split()[0])


def _cpu_info(cpuinfo: Path) -> CpuInfo:
    freq = psutil.cpu_freq()
    info = CpuInfo(
        model=_cpu_model(cpuinfo),
        physical_cores=psutil.cpu_count(logical=False),
        logical_cores=psutil.cpu_count(logical=True),
        max_freq_mhz=freq.max if freq and freq.max > 0 else None,
    )
    reasons = {
        "model": "the OS names no CPU model (/proc/cpuinfo, platform.processor)",
        "physical_cores": "the OS does not say how many physical cores there are",
        "logical_cores": "the OS does not say how many logical CPUs there are",
        # Virtual machines and some ARM kernels expose no cpufreq driver, so psutil has no maximum.
        "max_freq_mhz": "the OS reports no maximum CPU frequency (no cpufreq driver, common in VMs)",
    }
    return replace(info, missing=_reasons(info, reasons))


def _reasons(record: Any, reasons: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """(field, why) for each of `reasons` whose field is None in `record`."""
    return tuple((name, why) for name, why in reasons.items() if getattr(record, name) is None)


def _cpu_model(cpuinfo: Path) -> str | None:
    for line in (read_text(cpuinfo) or "").splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model", "Hardware") and value.strip():
            return value.strip()
    return platform.processor() or None


def read_disks(sysfs: Path = SYSFS) -> tuple[DiskInfo, ...]:
    """Each physical disk with its model, size, kind and where its partitions are mounted."""
    mounts = _mounts_by_disk(sysfs)
    disks = []
    for name in physical_disks(sysfs):
        block = sysfs / "block" / name
        sectors = read_int(block / "size")
        disk = DiskInfo(
            name=name,
            model=read_text(block / "device" / "model") or None,
            kind=_disk_kind(name, read_int(block / "queue" / "rotational")),
            total_bytes=None if sectors is None else sectors * 512,  # sysfs counts 512-byte sectors
            mountpoints=tuple(sorted(mounts.get(name, ()))),
        )
        reasons = {
            # virtio and some RAID/cloud block devices have no device/model file
            "model": f"the disk reports no model (no {block.name}/device/model in sysfs)",
            "kind": "the OS does not say whether the disk is rotational",
            "total_bytes": "the disk reports no size in sysfs",
        }
        disks.append(replace(disk, missing=_reasons(disk, reasons)))
    return tuple(disks)


def _disk_kind(name: str, rotational: int | None) -> str | None:
    if name.startswith("nvme"):
        return "nvme"
    return {0: "ssd", 1: "hdd"}.get(rotational) if rotational is not None else None


def _mounts_by_disk(sysfs: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for part in psutil.disk_partitions(all=False):
        device = Path(part.device).resolve().name
        for disk in _backing_disks(device, sysfs):
            out.setdefault(disk, set()).add(part.mountpoint)
    return out


def _backing_disks(device: str, sysfs: Path, depth: int = 0) -> set[str]:
    """The physical disks under a block device: itself, its parent disk, or a device-mapper's members."""
    node = sysfs / "class" / "block" / device
    if depth > 4 or not node.exists():
        return set()
    if (node / "partition").exists():
        return {node.resolve().parent.name}
    slaves = sorted((node / "slaves").glob("*")) if (node / "slaves").is_dir() else []
    if slaves:
        return set().union(*(_backing_disks(s.name, sysfs, depth + 1) for s in slaves))
    return {device}


def _nics() -> tuple[NicInfo, ...]:
    stats = psutil.net_if_stats()
    return tuple(_nic(name, s.speed, s.isup) for name, s in sorted(stats.items()) if name != "lo")


def _nic(name: str, speed_mbps: int, is_up: bool) -> NicInfo:
    """An interface; the kernel reports no speed (0) for virtual interfaces and for links that are down."""
    if speed_mbps > 0:
        return NicInfo(name, speed_mbps, is_up)
    why = "link is down: no speed negotiated" if not is_up else "the driver reports no link speed (virtual interface)"
    return NicInfo(name, None, is_up, missing=(("speed_mbps", why),))


def read_infiniband(sysfs: Path = SYSFS) -> tuple[InfinibandPort, ...]:
    """InfiniBand (and RoCE) ports from `/sys/class/infiniband/<dev>/ports/<n>/`."""
    root = sysfs / "class" / "infiniband"
    if not root.is_dir():
        return ()
    ports = []
    for device in sorted(root.iterdir()):
        for port in sorted((device / "ports").glob("*"), key=lambda p: int(p.name) if p.name.isdigit() else 0):
            state = read_text(port / "state")
            ports.append(
                InfinibandPort(
                    device=device.name,
                    port=int(port.name) if port.name.isdigit() else 0,
                    rate=read_text(port / "rate"),
                    state=state.split(":", 1)[-1].strip() if state else None,  # "4: ACTIVE" -> "ACTIVE"
                )
            )
    return tuple(ports)


@dataclass(frozen=True)
class Inventory:
    """The whole machine: host, NVIDIA driver status and every GPU, read once per run."""

    host: HostInventory
    nvidia: NvidiaStatus
    gpus: tuple[GpuInfo, ...]

    @property
    def simulated(self) -> bool:
        return self.nvidia.simulated
