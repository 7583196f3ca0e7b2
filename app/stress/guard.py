"""The safety guard: watches the sampler's samples during a test and says when it must stop, and why.

Four guards, each only where the machine reports the limit it needs (a guard that cannot work is
listed in `inactive`, with the reason, so no guard is silently missing):

* a GPU at its slowdown threshold less a margin, or at its max operating temperature (NVML's
  `NVML_TEMPERATURE_THRESHOLD_SLOWDOWN` / `_GPU_MAX`; the driver's own margin where reported);
* the CPU within 5 °C of its critical temperature, where a critical temperature is known;
* an NVMe drive at its critical composite temperature (CCTEMP, hwmon `temp1_crit`);
* available RAM below the floor, the larger of 2 GiB and 10 % of the total (the floor the RAM
  test itself leaves free, issue 9).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.gpu.records import GpuInfo, GpuReading, GpuSetReading
from app.core.inventory import Inventory
from app.core.records import CpuReading, DriveTemperatureReading, MemoryReading
from app.core.sampling.sample import Sample

GIB = 2**30


@dataclass(frozen=True)
class GuardLimits:
    """How close to each limit a test may go."""

    gpu_margin_c: float = 2.0  # stop this far below the slowdown threshold
    cpu_margin_c: float = 5.0  # stop this far below the CPU's critical temperature
    cpu_critical_c: float | None = None  # the CPU's critical temperature, where the caller knows it
    ram_floor_bytes: int = 2 * GIB  # stop when less than this is available ...
    ram_floor_fraction: float = 0.10  # ... or less than this share of the total, whichever is more


class SafetyGuard:
    """Watches the sampler's samples and says when a test must stop, and why.

    `check` is called on the sampler thread; it only reads the sample and the fixed inventory.
    """

    def __init__(self, inventory: Inventory, limits: GuardLimits | None = None) -> None:
        self.inventory = inventory
        self.limits = limits or GuardLimits()
        self._gpus = {gpu.index: gpu for gpu in inventory.gpus}

    def check(self, sample: Sample) -> str | None:
        """The reason to stop now ("GPU 0 at 95 °C ≥ slowdown 96 °C − 2 °C margin"), or None."""
        reading = sample.reading
        if isinstance(reading, GpuSetReading):
            return next((r for r in map(self._check_gpu, reading.gpus) if r), None)
        if isinstance(reading, CpuReading):
            return self._check_cpu(reading)
        if isinstance(reading, MemoryReading):
            return self._check_memory(reading)
        if isinstance(reading, DriveTemperatureReading):
            return _check_drives(reading)
        return None

    def active(self) -> tuple[str, ...]:
        """The guards that can act on this machine, in words, for the result's details."""
        return tuple(words for words, _ in self._guards())

    def inactive(self) -> tuple[str, ...]:
        """The guards that cannot act here, and why: said once, in the result's details."""
        out = [
            f"GPU {gpu.index}: no slowdown or max operating temperature reported; its temperature is not guarded"
            for gpu in self.inventory.gpus
            if gpu.temp_slowdown_c is None and gpu.temp_max_operating_c is None
        ]
        if self.limits.cpu_critical_c is None:
            out.append("CPU: no critical temperature is known (the OS reports none); its temperature is not guarded")
        return tuple(out)

    def coverage(
        self, gpus_unsampled: str | None = None, host_unsampled: str | None = None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(active, inactive) for one run, each guard in exactly one of them.

        `gpus_unsampled` / `host_unsampled` say why this run samples no GPU / no CPU, memory and
        drive readings (no live session; a time-scaled run samples only the simulated GPUs): a
        guard that sees no readings is not active, whatever the machine reports.
        """
        active, inactive = [], list(self.inactive())
        for words, on_gpu in self._guards():
            unsampled = gpus_unsampled if on_gpu else host_unsampled
            if unsampled is None:
                active.append(words)
            else:
                inactive.append(f"{words} (not watched: {unsampled})")
        return tuple(active), tuple(inactive)

    def _guards(self) -> list[tuple[str, bool]]:
        """Each guard that could act here, in words, and whether it watches a GPU (else the host)."""
        words = (_gpu_guard_words(gpu, self.limits.gpu_margin_c) for gpu in self.inventory.gpus)
        out = [(w, True) for w in words if w is not None]
        if self.limits.cpu_critical_c is not None:
            out.append(
                (f"CPU below critical {self.limits.cpu_critical_c:g} °C − {self.limits.cpu_margin_c:g} °C", False)
            )
        out.append(("NVMe drives below their critical temperature (where the drive reports one)", False))
        out.append((f"available RAM above {_gib(self.ram_floor_bytes())} GiB", False))
        return out

    def ram_floor_bytes(self) -> int:
        """The least available memory a test may leave: max(2 GiB, 10 % of the total)."""
        total = self.inventory.host.memory_total_bytes
        return max(self.limits.ram_floor_bytes, int(total * self.limits.ram_floor_fraction))

    def _check_gpu(self, gpu: GpuReading) -> str | None:
        temp = gpu.temperature_c
        info = self._gpus.get(gpu.index)
        if temp is None or info is None:
            return None
        margin = self.limits.gpu_margin_c
        if info.temp_slowdown_c is not None and temp >= info.temp_slowdown_c - margin:
            return f"GPU {gpu.index} at {temp:g} °C ≥ slowdown {info.temp_slowdown_c:g} °C − {margin:g} °C margin"
        if gpu.temp_margin_c is not None and gpu.temp_margin_c <= margin:
            return (
                f"GPU {gpu.index} at {temp:g} °C, {gpu.temp_margin_c:g} °C below slowdown"
                f" (the driver's margin) ≤ {margin:g} °C margin"
            )
        if info.temp_max_operating_c is not None and temp >= info.temp_max_operating_c:
            return f"GPU {gpu.index} at {temp:g} °C ≥ max operating {info.temp_max_operating_c:g} °C"
        return None

    def _check_cpu(self, cpu: CpuReading) -> str | None:
        critical, margin = self.limits.cpu_critical_c, self.limits.cpu_margin_c
        if cpu.temperature_c is None or critical is None:
            return None
        if cpu.temperature_c >= critical - margin:
            return f"CPU at {cpu.temperature_c:g} °C ≥ critical {critical:g} °C − {margin:g} °C margin"
        return None

    def _check_memory(self, memory: MemoryReading) -> str | None:
        floor = self.ram_floor_bytes()
        if memory.available_bytes < floor:
            return (
                f"available RAM {_gib(memory.available_bytes)} GiB < floor {_gib(floor)} GiB"
                f" (max of 2 GiB and 10 % of {_gib(memory.total_bytes)} GiB)"
            )
        return None


def _check_drives(reading: DriveTemperatureReading) -> str | None:
    for drive in reading.drives:
        if drive.temperature_c is not None and drive.critical_c is not None and drive.temperature_c >= drive.critical_c:
            return f"NVMe {drive.name} at {drive.temperature_c:g} °C ≥ critical {drive.critical_c:g} °C"
    return None


def _gpu_guard_words(gpu: GpuInfo, margin_c: float) -> str | None:
    limits = []
    if gpu.temp_slowdown_c is not None:
        limits.append(f"slowdown {gpu.temp_slowdown_c:g} °C − {margin_c:g} °C")
    if gpu.temp_max_operating_c is not None:
        limits.append(f"max operating {gpu.temp_max_operating_c:g} °C")
    return f"GPU {gpu.index} below {' and '.join(limits)}" if limits else None


def _gib(size_bytes: float) -> str:
    return f"{size_bytes / GIB:.1f}"
