"""NVIDIA GPUs through NVML: the inventory, the live readings, and PCIe throughput.

All NVML calls go through `NvmlSession.query`, which turns errors into reasons and remembers
what a GPU does not support. Handles are taken once. A lost GPU is marked and not asked again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pynvml

from app.core.gpu import clock_reasons
from app.core.gpu.nvml_session import Attempt, GpuLostError, NvmlSession, as_text
from app.core.gpu.processes import ProcessNames, merge_processes
from app.core.gpu.records import (
    GpuInfo,
    GpuReading,
    GpuSetReading,
    NvidiaStatus,
    PcieThroughput,
    PcieThroughputReading,
)
from app.core.gpu.xid_events import XidWatch

LOST = "GPU is lost (fell off the bus or crashed); a reboot or driver reload is needed"


class _Fields:
    """Collects values for one GPU and the reasons for the ones that are missing."""

    def __init__(self, session: NvmlSession, gpu: int) -> None:
        self._session, self._gpu = session, gpu
        self.missing: list[tuple[str, str]] = []

    def get(self, field: str, *attempts: Attempt, fills: tuple[str, ...] = ()) -> Any | None:
        """The value of one NVML query; when missing, the reason is kept for each record field it
        fills (`fills`, or the query's own name when that is the record field's name)."""
        value, why = self._session.query(self._gpu, field, *attempts, also=fills)
        if why is not None:
            self.missing.extend((name, why) for name in fills or (field,))
        return value


def _milli(value: Any) -> float | None:
    return None if value is None else value / 1000.0


def _fan_speeds_v2(handle: Any) -> tuple[float, ...]:
    count = pynvml.nvmlDeviceGetNumFans(handle)
    return tuple(float(pynvml.nvmlDeviceGetFanSpeed_v2(handle, fan)) for fan in range(count))


def _fan_speed_v1(handle: Any) -> tuple[float, ...]:
    return (float(pynvml.nvmlDeviceGetFanSpeed(handle)),)


def _power_instant_mw(handle: Any) -> int:
    """NVML_FI_DEV_POWER_INSTANT: the draw now, not the 1 s average of nvmlDeviceGetPowerUsage."""
    (value,) = pynvml.nvmlDeviceGetFieldValues(handle, [pynvml.NVML_FI_DEV_POWER_INSTANT])
    if value.nvmlReturn != pynvml.NVML_SUCCESS:
        raise pynvml.NVMLError(value.nvmlReturn)
    return int(value.value.uiVal)


def _violation_s(handle: Any, policy: int) -> float:
    return float(pynvml.nvmlDeviceGetViolationStatus(handle, policy).violationTime) / 1e9


# NVML's per-reason throttle counters, nanoseconds since the driver loaded (nvml.h: "All counters
# are in nanoseconds"). Field 74 is NVML_FI_DEV_PERF_POLICY_POWER, which nvml.h also names
# NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_POWER_CAP; 269-271 as numbered in nvidia-ml-py 13.x / nvml.h.
THROTTLE_FIELDS = {
    "throttle_sw_power_cap_s": 74,  # NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_POWER_CAP
    "throttle_sw_thermal_s": 269,  # NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN
    "throttle_hw_thermal_s": 270,  # NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN
    "throttle_hw_power_brake_s": 271,  # NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN
}
_FIELD_VALUE_MEMBERS = ("dVal", "uiVal", "ulVal", "ullVal", "sllVal", "siVal", "usVal")  # by nvmlValueType_t


def _field_value(handle: Any, field_id: int) -> float:
    """One NVML field value as a number; a field the driver lacks raises its NVML error."""
    (value,) = pynvml.nvmlDeviceGetFieldValues(handle, [field_id])
    if value.nvmlReturn != pynvml.NVML_SUCCESS:
        raise pynvml.NVMLError(value.nvmlReturn)
    member = _FIELD_VALUE_MEMBERS[value.valueType] if value.valueType < len(_FIELD_VALUE_MEMBERS) else "ullVal"
    return float(getattr(value.value, member))


def _throttle_counter_s(handle: Any, field_id: int) -> float:
    """One clocks-event-reason counter in seconds (NVML counts nanoseconds)."""
    return _field_value(handle, field_id) / 1e9


# nvml.h 13: "#define NVML_FI_DEV_MEMORY_TEMP 82 //!< Memory temperature for the device".
MEMORY_TEMP_FIELD = 82


def _memory_temperature_c(handle: Any) -> float:
    """The memory's own sensor (HBM). A reading of exactly 0 °C is no reading: a running card's
    memory is never at freezing point, so it is reported as unsupported rather than served as 0."""
    value = _field_value(handle, MEMORY_TEMP_FIELD)
    if value == 0:
        raise pynvml.NVMLError(pynvml.NVML_ERROR_NOT_SUPPORTED)
    return value


class NvidiaBackend:
    """Owns the NVML session and the GPU handles for the program's life.

    Two sampler workers use one backend (the `gpu` and `gpu_pcie` sources). NVML itself is
    thread-safe; the backend's own state (lost GPUs, the inventory, process names) is guarded by
    `_state`, which is never held while NVML runs, so a hung PCIe read does not stall readings.
    """

    def __init__(self, library: str | None = None) -> None:
        self.session = NvmlSession(library)
        self._handles: list[Any] = []
        self._unreadable: dict[int, str] = {}  # GPUs whose handle could not be taken, and why
        self._lost: set[int] = set()
        self._state = threading.Lock()
        self._names = ProcessNames()
        self._info: tuple[GpuInfo, ...] | None = None
        if self.session.started:
            count = self.session.system(pynvml.nvmlDeviceGetCount) or 0
            self._handles = [self._open(i) for i in range(count)]
        self._xid = XidWatch(self.session, self._handles) if self._handles else None
        self._status = self._read_status()

    def _open(self, index: int) -> Any | None:
        """GPU `index`'s handle through the session; a GPU that cannot be opened is kept, unreadable."""
        try:
            handle, why = self.session.handle(index)
        except GpuLostError:
            self._lost.add(index)
            return None
        if why is not None:
            self._unreadable[index] = why
        return handle

    @property
    def gpu_count(self) -> int:
        return len(self._handles)

    def status(self) -> NvidiaStatus:
        """The driver's versions and whether NVML answered; read once (they change only with a reboot)."""
        return self._status

    def _read_status(self) -> NvidiaStatus:
        cuda = self.session.system(pynvml.nvmlSystemGetCudaDriverVersion)
        status = self.session.status
        if self.session.started and not self._handles:
            status = "no NVIDIA GPU found (the driver is loaded but lists no devices)"
        return NvidiaStatus(
            status=status,
            cause=self.session.cause or ("no_gpu" if not self._handles else "ok"),
            driver_version=as_text(self.session.system(pynvml.nvmlSystemGetDriverVersion)),
            cuda_driver_version=None if cuda is None else f"{cuda // 1000}.{cuda % 1000 // 10}",
            nvml_version=as_text(self.session.system(pynvml.nvmlSystemGetNVMLVersion)),
        )

    def inventory(self, refresh: bool = False) -> tuple[GpuInfo, ...]:
        with self._state:
            info = None if refresh else self._info
        if info is None:
            info = tuple(self._read_info(i) for i in range(self.gpu_count))
            with self._state:
                self._info = info
        return info

    def _not_readable(self, index: int) -> str | None:
        """Why GPU `index` is not asked at all (lost, or never opened), or None."""
        with self._state:
            return LOST if index in self._lost else self._unreadable.get(index)

    def _mark_lost(self, index: int) -> None:
        with self._state:
            self._lost.add(index)

    def _read_info(self, index: int) -> GpuInfo:
        why = self._not_readable(index)
        if why is not None:
            return GpuInfo.unreadable(index, why)
        try:
            return _gpu_info(index, self._handles[index], _Fields(self.session, index))
        except GpuLostError:
            self._mark_lost(index)
            return GpuInfo.unreadable(index, LOST)

    def read(self) -> GpuSetReading:
        if self._xid is not None:
            self._xid.poll()
        readings = tuple(self._read_gpu(i) for i in range(self.gpu_count))
        self._names.forget_except(p.pid for g in readings for p in g.processes)
        return GpuSetReading(self._status, readings)

    def _read_gpu(self, index: int) -> GpuReading:
        info = self.inventory()[index]
        why = self._not_readable(index)
        if why is not None:
            return _unread(info, why)
        fields = _Fields(self.session, index)
        try:
            return _gpu_reading(index, self._handles[index], fields, info, self._names, self._last_xid(index, fields))
        except GpuLostError:
            self._mark_lost(index)
            return _unread(info, LOST)

    def _last_xid(self, index: int, fields: _Fields) -> int | None:
        """The last XID code the event set delivered for GPU `index`, or None with the reason kept."""
        xid, why = (None, "no GPU to watch") if self._xid is None else self._xid.last_xid(index)
        if why is not None:
            fields.missing.append(("last_xid", why))
        return xid

    def read_pcie(self) -> PcieThroughputReading:
        """PCIe TX/RX; each NVML call samples a counter for about 20 ms, so this runs at a slow rate."""
        return PcieThroughputReading(tuple(self._read_link(index) for index in range(self.gpu_count)))

    def _read_link(self, index: int) -> PcieThroughput:
        why = self._not_readable(index)
        if why is not None:
            return PcieThroughput(index, None, None, missing=(("all", why),))
        handle, f = self._handles[index], _Fields(self.session, index)
        try:
            tx = f.get(
                "pcie_tx_bytes_per_s", (pynvml.nvmlDeviceGetPcieThroughput, handle, pynvml.NVML_PCIE_UTIL_TX_BYTES)
            )
            rx = f.get(
                "pcie_rx_bytes_per_s", (pynvml.nvmlDeviceGetPcieThroughput, handle, pynvml.NVML_PCIE_UTIL_RX_BYTES)
            )
        except GpuLostError:
            self._mark_lost(index)
            return PcieThroughput(index, None, None, missing=(("all", LOST),))
        kib = 1024.0  # NVML counts KB/s
        return PcieThroughput(
            index, None if tx is None else tx * kib, None if rx is None else rx * kib, missing=tuple(f.missing)
        )

    def close(self) -> None:
        if self._xid is not None:
            self._xid.close()
        self.session.close()


def _gpu_info(index: int, h: Any, f: _Fields) -> GpuInfo:
    memory = f.get("memory", (pynvml.nvmlDeviceGetMemoryInfo, h), fills=("vram_total_bytes",))
    cc = f.get("compute_capability", (pynvml.nvmlDeviceGetCudaComputeCapability, h))
    limits = f.get(
        "power_limits", (pynvml.nvmlDeviceGetPowerManagementLimitConstraints, h), fills=("power_min_w", "power_max_w")
    )
    limits = limits or (None, None)
    pci = f.get("pci_bus_id", (pynvml.nvmlDeviceGetPciInfo_v3, h))
    mig = f.get("mig_mode", (pynvml.nvmlDeviceGetMigMode, h))
    fans = f.get("fan_count", (_fan_speeds_v2, h), (_fan_speed_v1, h))

    def threshold(name: str, kind: int) -> float | None:
        value = f.get(name, (pynvml.nvmlDeviceGetTemperatureThreshold, h, kind))
        return None if value is None else float(value)

    def flag(name: str, call: Callable[..., Any]) -> bool | None:
        value = f.get(name, (call, h))
        return None if value is None else bool(value)

    return GpuInfo(
        index=index,
        name=as_text(f.get("name", (pynvml.nvmlDeviceGetName, h))),
        uuid=as_text(f.get("uuid", (pynvml.nvmlDeviceGetUUID, h))),
        simulated=False,
        serial=as_text(f.get("serial", (pynvml.nvmlDeviceGetSerial, h))),
        vbios=as_text(f.get("vbios", (pynvml.nvmlDeviceGetVbiosVersion, h))),
        pci_bus_id=None if pci is None else as_text(pci.busId),
        vram_total_bytes=None if memory is None else int(memory.total),
        compute_capability=None if cc is None else f"{cc[0]}.{cc[1]}",
        power_default_w=_milli(f.get("power_default_w", (pynvml.nvmlDeviceGetPowerManagementDefaultLimit, h))),
        power_min_w=_milli(limits[0]),
        power_max_w=_milli(limits[1]),
        power_enforced_w=_milli(f.get("power_enforced_w", (pynvml.nvmlDeviceGetEnforcedPowerLimit, h))),
        temp_slowdown_c=threshold("temp_slowdown_c", pynvml.NVML_TEMPERATURE_THRESHOLD_SLOWDOWN),
        temp_shutdown_c=threshold("temp_shutdown_c", pynvml.NVML_TEMPERATURE_THRESHOLD_SHUTDOWN),
        temp_max_operating_c=threshold("temp_max_operating_c", pynvml.NVML_TEMPERATURE_THRESHOLD_GPU_MAX),
        temp_target_c=threshold("temp_target_c", pynvml.NVML_TEMPERATURE_THRESHOLD_ACOUSTIC_CURR),
        pcie_gen_max=f.get("pcie_gen_max", (pynvml.nvmlDeviceGetMaxPcieLinkGeneration, h)),
        pcie_width_max=f.get("pcie_width_max", (pynvml.nvmlDeviceGetMaxPcieLinkWidth, h)),
        fan_count=None if fans is None else len(fans),
        persistence_mode=flag("persistence_mode", pynvml.nvmlDeviceGetPersistenceMode),
        mig_mode=None if mig is None else bool(mig[0]),
        display_attached=flag("display_attached", pynvml.nvmlDeviceGetDisplayMode),
        missing=tuple(f.missing),
    )


def _gpu_reading(
    index: int, h: Any, f: _Fields, info: GpuInfo, names: ProcessNames, last_xid: int | None
) -> GpuReading:
    util = f.get("utilization", (pynvml.nvmlDeviceGetUtilizationRates, h), fills=("util_percent", "mem_util_percent"))
    memory = f.get(
        "memory",
        (pynvml.nvmlDeviceGetMemoryInfo, h, pynvml.nvmlMemory_v2),
        (pynvml.nvmlDeviceGetMemoryInfo, h),
        fills=("vram_used_bytes", "vram_total_bytes"),
    )
    fans = f.get("fan_percent", (_fan_speeds_v2, h), (_fan_speed_v1, h))
    reasons = f.get(
        "clock_event_reasons",
        (pynvml.nvmlDeviceGetCurrentClocksEventReasons, h),
        (pynvml.nvmlDeviceGetCurrentClocksThrottleReasons, h),
    )
    compute = f.get(
        "compute_processes",
        (pynvml.nvmlDeviceGetComputeRunningProcesses_v3, h),
        (pynvml.nvmlDeviceGetComputeRunningProcesses_v2, h),
    )
    graphics = f.get(
        "graphics_processes",
        (pynvml.nvmlDeviceGetGraphicsRunningProcesses_v3, h),
        (pynvml.nvmlDeviceGetGraphicsRunningProcesses_v2, h),
    )

    def clock(name: str, kind: int) -> float | None:
        value = f.get(name, (pynvml.nvmlDeviceGetClockInfo, h, kind))
        return None if value is None else float(value)

    def count(name: str, error_type: int) -> int | None:
        return f.get(name, (pynvml.nvmlDeviceGetTotalEccErrors, h, error_type, pynvml.NVML_VOLATILE_ECC))

    temperature = f.get(
        "temperature_c",
        (pynvml.nvmlDeviceGetTemperatureV, h, pynvml.NVML_TEMPERATURE_GPU),
        (pynvml.nvmlDeviceGetTemperature, h, pynvml.NVML_TEMPERATURE_GPU),
    )
    return GpuReading(
        index=index,
        uuid=info.uuid,
        name=info.name,
        simulated=False,
        lost=False,
        util_percent=None if util is None else float(util.gpu),
        mem_util_percent=None if util is None else float(util.memory),
        vram_used_bytes=None if memory is None else int(memory.used),
        vram_total_bytes=None if memory is None else int(memory.total),
        temperature_c=None if temperature is None else float(temperature),
        temp_margin_c=_float(f.get("temp_margin_c", (pynvml.nvmlDeviceGetMarginTemperature, h))),
        power_w=_milli(f.get("power_w", (pynvml.nvmlDeviceGetPowerUsage, h))),
        power_instant_w=_milli(f.get("power_instant_w", (_power_instant_mw, h))),
        power_limit_w=_milli(f.get("power_limit_w", (pynvml.nvmlDeviceGetEnforcedPowerLimit, h))),
        sm_clock_mhz=clock("sm_clock_mhz", pynvml.NVML_CLOCK_SM),
        mem_clock_mhz=clock("mem_clock_mhz", pynvml.NVML_CLOCK_MEM),
        graphics_clock_mhz=clock("graphics_clock_mhz", pynvml.NVML_CLOCK_GRAPHICS),
        fan_percent=None if not fans else sum(fans) / len(fans),
        fans_percent=fans or (),
        pstate=f.get("pstate", (pynvml.nvmlDeviceGetPerformanceState, h)),
        clock_event_reasons=None if reasons is None else clock_reasons.decode(reasons),
        power_violation_s=_float(f.get("power_violation_s", (_violation_s, h, pynvml.NVML_PERF_POLICY_POWER))),
        thermal_violation_s=_float(f.get("thermal_violation_s", (_violation_s, h, pynvml.NVML_PERF_POLICY_THERMAL))),
        ecc_corrected=count("ecc_corrected", pynvml.NVML_MEMORY_ERROR_TYPE_CORRECTED),
        ecc_uncorrected=count("ecc_uncorrected", pynvml.NVML_MEMORY_ERROR_TYPE_UNCORRECTED),
        pcie_gen=f.get("pcie_gen", (pynvml.nvmlDeviceGetCurrPcieLinkGeneration, h)),
        pcie_width=f.get("pcie_width", (pynvml.nvmlDeviceGetCurrPcieLinkWidth, h)),
        processes=merge_processes(compute, graphics, names) if compute is not None or graphics is not None else (),
        **_throttle_counters(h, f),
        energy_mj=f.get("energy_mj", (pynvml.nvmlDeviceGetTotalEnergyConsumption, h)),
        pcie_replay_count=f.get("pcie_replay_count", (pynvml.nvmlDeviceGetPcieReplayCounter, h)),
        memory_temperature_c=_float(f.get("memory_temperature_c", (_memory_temperature_c, h))),
        last_xid=last_xid,
        missing=tuple(f.missing),
    )


def _throttle_counters(h: Any, f: _Fields) -> dict[str, float | None]:
    """Each per-reason throttle counter, or None with the reason where the GPU or driver lacks it."""
    return {name: _float(f.get(name, (_throttle_counter_s, h, field_id))) for name, field_id in THROTTLE_FIELDS.items()}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _unread(info: GpuInfo, why: str) -> GpuReading:
    """A GPU that is not asked: lost (fell off the bus), or one whose handle could not be taken."""
    return GpuReading.lost_gpu(info, why) if why == LOST else GpuReading.unreadable(info, why)
