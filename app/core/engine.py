"""The engine as one object: the clock, the GPU backend (real or simulated) and every source.

The CLI, the window and the tests build an `Engine` and ask it for the inventory, a snapshot or
a sampler, so a number means the same wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.clock import Clock, ScaledClock, SystemClock
from app.core.gpu.catalog import parse_demo_profiles
from app.core.gpu.nvml_source import NvidiaBackend
from app.core.gpu.simulated_backend import SimulatedBackend
from app.core.gpu.sources import GpuBackend, GpuSource, PcieThroughputSource
from app.core.inventory import HostInventory, Inventory
from app.core.procfs import PROCFS
from app.core.sampling.sampler import MIN_INTERVAL_S, Sampler
from app.core.sources import Source
from app.core.sources.host import CpuSource, DiskIoSource, MemorySource, NetworkSource
from app.core.sources.hwmon import NvmeTemperatureSource
from app.core.sources.smart import SmartSource
from app.core.sysfs import SYSFS


@dataclass(frozen=True)
class EngineOptions:
    demo: str | None = None  # None: real hardware; "" : the default demo; "a,b": these catalog GPUs
    time_scale: float = 1.0
    interval_s: float = 1.0  # fast sources
    pcie_interval_s: float = 5.0
    nvme_interval_s: float = 5.0
    smart_interval_s: float = 60.0
    sysfs: Path = SYSFS
    procfs: Path = PROCFS  # /proc; tests point it at recorded snapshots
    seed: int = 0


class Engine:
    """Owns the clock, the GPU backend and the sources for one run of the program."""

    def __init__(self, options: EngineOptions | None = None) -> None:
        self.options = options or EngineOptions()
        if self.options.interval_s < MIN_INTERVAL_S:
            raise ValueError(f"interval must be at least {MIN_INTERVAL_S} s")
        self.clock: Clock = ScaledClock(self.options.time_scale) if self.options.time_scale != 1.0 else SystemClock()
        self.gpu_backend: GpuBackend = self._gpu_backend()
        self._inventory: Inventory | None = None

    def _gpu_backend(self) -> GpuBackend:
        if self.options.demo is None:
            return NvidiaBackend()
        profiles = parse_demo_profiles(self.options.demo or None)
        return SimulatedBackend(profiles, self.clock, seed=self.options.seed)

    @property
    def simulated(self) -> bool:
        return self.options.demo is not None

    def inventory(self, refresh: bool = False) -> Inventory:
        """What the machine is; read once, again only when asked to refresh."""
        if self._inventory is None or refresh:
            self._inventory = Inventory(
                HostInventory.read(self.options.sysfs), self.gpu_backend.status(), self.gpu_backend.inventory(refresh)
            )
        return self._inventory

    def sources(self) -> list[Source]:
        """A fresh set of sources (each keeps its own counters for rates)."""
        o = self.options
        sources: list[Source] = [
            CpuSource(o.interval_s, o.sysfs, o.procfs),
            MemorySource(o.interval_s, o.procfs),
            DiskIoSource(o.interval_s, o.sysfs, o.procfs),
            NetworkSource(o.interval_s, o.procfs),
            NvmeTemperatureSource(o.nvme_interval_s, o.sysfs),
            SmartSource(o.smart_interval_s, o.sysfs),
        ]
        if self.gpu_backend.gpu_count:
            sources += [
                GpuSource(self.gpu_backend, o.interval_s),
                PcieThroughputSource(self.gpu_backend, o.pcie_interval_s),
            ]
        return sources

    def sampler(self) -> Sampler:
        return Sampler(self.sources(), self.clock)

    def close(self) -> None:
        self.gpu_backend.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
