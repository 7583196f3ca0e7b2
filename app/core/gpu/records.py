"""GPU records: static facts (`GpuInfo`), live readings (`GpuReading`) and the driver's status.

Real and simulated GPUs produce the same records; `simulated` says which, and every consumer
shows it. Each record lists in `missing` the fields it could not read and why.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from app.core.gpu.clock_reasons import REASONS
from app.core.records import Metrics

Missing = tuple[tuple[str, str], ...]

# As 0/1 metrics, one per reason: a history bucket's mean is then the share of time it was active.
CLOCK_EVENT_NAMES = tuple(reason.name for reason in REASONS)


@dataclass(frozen=True)
class NvidiaStatus:
    """Whether NVML answered, in words, with the versions it reported."""

    status: str  # "ok", or why nothing could be read
    driver_version: str | None
    cuda_driver_version: str | None  # "12.4": the newest CUDA the driver supports
    nvml_version: str | None
    simulated: bool = False
    # The status as a name `status_advice` turns into words and a remedy: "ok", "simulated", or
    # library_not_found, named_library_unusable (AIWM_NVML_LIBRARY), driver_not_loaded, version_mismatch,
    # no_permission, no_gpu, failed.
    cause: str = "ok"

    @property
    def ok(self) -> bool:
        return self.status == "ok" or self.simulated


@dataclass(frozen=True)
class GpuInfo:
    """What a GPU is; read once."""

    index: int
    name: str | None
    uuid: str | None
    simulated: bool
    serial: str | None
    vbios: str | None
    pci_bus_id: str | None
    vram_total_bytes: int | None
    compute_capability: str | None  # "8.9"
    power_default_w: float | None
    power_min_w: float | None
    power_max_w: float | None
    power_enforced_w: float | None
    temp_slowdown_c: float | None
    temp_shutdown_c: float | None
    temp_max_operating_c: float | None
    temp_target_c: float | None
    pcie_gen_max: int | None
    pcie_width_max: int | None
    fan_count: int | None
    persistence_mode: bool | None
    mig_mode: bool | None
    display_attached: bool | None
    missing: Missing = ()

    @staticmethod
    def unreadable(index: int, why: str) -> GpuInfo:
        """A GPU that answered nothing (lost, or its handle could not be taken)."""
        nones: dict[str, Any] = {f.name: None for f in fields(GpuInfo)}
        return GpuInfo(**{**nones, "index": index, "simulated": False, "missing": (("all", why),)})


@dataclass(frozen=True)
class GpuProcess:
    pid: int
    name: str | None
    user: str | None
    vram_used_bytes: int | None  # None where the driver does not say (Windows WDDM)
    kind: str  # "compute", "graphics" or "compute+graphics"


@dataclass(frozen=True)
class GpuReading:
    """One GPU at one moment. A lost GPU has `lost=True` and every value `None`."""

    index: int
    uuid: str | None
    name: str | None
    simulated: bool
    lost: bool
    util_percent: float | None
    mem_util_percent: float | None
    vram_used_bytes: int | None
    vram_total_bytes: int | None
    temperature_c: float | None
    temp_margin_c: float | None  # distance to the slowdown limit where the driver reports margins
    power_w: float | None  # average over ~1 s on Ampere and newer
    power_instant_w: float | None
    power_limit_w: float | None
    sm_clock_mhz: float | None
    mem_clock_mhz: float | None
    graphics_clock_mhz: float | None
    fan_percent: float | None  # mean of the fans; the speed the driver asks for, not measured
    fans_percent: tuple[float, ...]
    pstate: int | None
    clock_event_reasons: tuple[str, ...] | None
    power_violation_s: float | None  # cumulative time clocks were held down by the power limit
    thermal_violation_s: float | None
    ecc_corrected: int | None  # volatile, since the driver loaded
    ecc_uncorrected: int | None
    pcie_gen: int | None
    pcie_width: int | None
    processes: tuple[GpuProcess, ...]
    missing: Missing = ()
    # Cumulative time clocks were held down, per reason, since the driver loaded (NVML's
    # nanosecond counters NVML_FI_DEV_CLOCKS_EVENT_REASON_*, field ids 74, 269, 270, 271): the
    # stress and cooling tests take before/after differences. None where the driver lacks them.
    throttle_sw_power_cap_s: float | None = None
    throttle_sw_thermal_s: float | None = None
    throttle_hw_thermal_s: float | None = None
    throttle_hw_power_brake_s: float | None = None
    # Energy the board drew since the driver loaded, in millijoules (nvmlDeviceGetTotalEnergyConsumption,
    # Volta and newer): a counter whose growth over an interval is the energy that interval used.
    energy_mj: int | None = None
    # PCIe link retries since the driver loaded (nvmlDeviceGetPcieReplayCounter): a counter that
    # should stay still; growth means a marginal riser, slot or cable.
    pcie_replay_count: int | None = None
    # The memory's own sensor (NVML field NVML_FI_DEV_MEMORY_TEMP, 82): HBM on datacenter cards;
    # GeForce cards with GDDR memory do not report it.
    memory_temperature_c: float | None = None
    # The code of the last XID error NVML's event set delivered for this GPU since aiwm began
    # watching (0: none seen), as dcgm-exporter's DCGM_FI_DEV_XID_ERRORS "value of the last XID
    # error encountered". None where the driver delivers no XID events (see `missing`).
    last_xid: int | None = None

    @staticmethod
    def lost_gpu(info: GpuInfo, why: str) -> GpuReading:
        """A GPU that stopped answering: identity kept, every value `None`."""
        return GpuReading._nothing(info, why, lost=True)

    @staticmethod
    def unreadable(info: GpuInfo, why: str) -> GpuReading:
        """A GPU NVML lists but would not open (no permission, unknown error): not lost, nothing read."""
        return GpuReading._nothing(info, why, lost=False)

    @staticmethod
    def _nothing(info: GpuInfo, why: str, lost: bool) -> GpuReading:
        nones: dict[str, Any] = {f.name: None for f in fields(GpuReading)}
        identity = {"index": info.index, "uuid": info.uuid, "name": info.name, "simulated": info.simulated}
        return GpuReading(
            **{**nones, **identity, "lost": lost, "fans_percent": (), "processes": (), "missing": (("all", why),)}
        )

    def metrics(self) -> Metrics:
        prefix = f"gpu{self.index}."
        values = {
            "util_percent": self.util_percent,
            "mem_util_percent": self.mem_util_percent,
            "vram_used_bytes": self.vram_used_bytes,
            "temperature_c": self.temperature_c,
            "power_w": self.power_w,
            "power_limit_w": self.power_limit_w,
            "sm_clock_mhz": self.sm_clock_mhz,
            "mem_clock_mhz": self.mem_clock_mhz,
            "fan_percent": self.fan_percent,
            "pstate": self.pstate,
            "power_violation_s": self.power_violation_s,
            "thermal_violation_s": self.thermal_violation_s,
            "throttle_sw_power_cap_s": self.throttle_sw_power_cap_s,
            "throttle_sw_thermal_s": self.throttle_sw_thermal_s,
            "throttle_hw_thermal_s": self.throttle_hw_thermal_s,
            "throttle_hw_power_brake_s": self.throttle_hw_power_brake_s,
            "pcie_gen": self.pcie_gen,
            "pcie_width": self.pcie_width,
            "energy_mj": self.energy_mj,
            "pcie_replay_count": self.pcie_replay_count,
            "memory_temperature_c": self.memory_temperature_c,
            "last_xid": self.last_xid,
        }
        out = {prefix + k: None if v is None else float(v) for k, v in values.items()}
        for name in CLOCK_EVENT_NAMES:
            active = None if self.clock_event_reasons is None else float(name in self.clock_event_reasons)
            out[f"{prefix}clock_event.{name}"] = active
        return out


@dataclass(frozen=True)
class GpuSetReading:
    """Every GPU of one backend at one tick, with the driver's status."""

    nvidia: NvidiaStatus
    gpus: tuple[GpuReading, ...]

    def metrics(self) -> Metrics:
        out: Metrics = {}
        for gpu in self.gpus:
            out.update(gpu.metrics())
        return out


@dataclass(frozen=True)
class PcieThroughput:
    index: int
    tx_bytes_per_s: float | None
    rx_bytes_per_s: float | None
    missing: Missing = ()


@dataclass(frozen=True)
class PcieThroughputReading:
    gpus: tuple[PcieThroughput, ...]

    def metrics(self) -> Metrics:
        out: Metrics = {}
        for gpu in self.gpus:
            out[f"gpu{gpu.index}.pcie_tx_bytes_per_s"] = gpu.tx_bytes_per_s
            out[f"gpu{gpu.index}.pcie_rx_bytes_per_s"] = gpu.rx_bytes_per_s
        return out
