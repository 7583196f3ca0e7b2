"""Host readings through psutil: CPU, memory, per-disk and per-interface throughput."""

from __future__ import annotations

import os
import time
from pathlib import Path

import psutil

from app.core.records import (
    CpuReading,
    DiskIoReading,
    DiskRate,
    MemoryReading,
    NetRate,
    NetworkReading,
)
from app.core.sources.hwmon import cpu_temperature_c
from app.core.sources.rates import RateTracker
from app.core.sysfs import SYSFS, physical_disks


class CpuSource:
    """CPU use in total and per core (from time deltas), frequency, load and package temperature."""

    name = "cpu"

    def __init__(self, interval_s: float = 1.0, sysfs: Path = SYSFS) -> None:
        self.interval_s = interval_s
        self._sysfs = sysfs
        self._last: list[tuple[float, float]] | None = None

    def read(self) -> CpuReading:
        per_core = self._per_core_percent()
        missing: list[tuple[str, str]] = []
        temperature = cpu_temperature_c(self._sysfs)
        if temperature is None:
            missing.append(("temperature_c", "the OS exposes no CPU temperature sensor"))
        freq = psutil.cpu_freq()
        return CpuReading(
            util_percent=sum(per_core) / len(per_core) if per_core else None,
            per_core_percent=tuple(per_core),
            freq_mhz=freq.current if freq and freq.current > 0 else None,
            load_1m=os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            temperature_c=temperature,
            missing=tuple(missing),
        )

    def _per_core_percent(self) -> list[float]:
        """Busy share of each core since the last read; empty on the first read."""
        now = [(sum(t), t.idle + getattr(t, "iowait", 0.0)) for t in psutil.cpu_times(percpu=True)]
        last, self._last = self._last, now
        if last is None or len(last) != len(now):
            return []
        return [
            _busy_percent(total - old_total, idle - old_idle)
            for (total, idle), (old_total, old_idle) in zip(now, last, strict=True)
        ]

    def close(self) -> None:
        """Nothing held."""


def _meminfo_kib(path: Path) -> dict[str, int]:
    """`/proc/meminfo` as {field: kibibytes}."""
    out = {}
    for line in path.read_text(encoding="ascii", errors="replace").splitlines():
        name, _, rest = line.partition(":")
        value = rest.split()
        if value and value[0].isdigit():
            out[name] = int(value[0])
    return out


def _busy_percent(total_delta: float, idle_delta: float) -> float:
    if total_delta <= 0:
        return 0.0
    return max(0.0, min(100.0, 100.0 * (1.0 - idle_delta / total_delta)))


class MemorySource:
    """RAM and swap. `used_bytes` is total minus available, the figure that predicts swapping.

    On Linux one read of /proc/meminfo gives both (psutil reads it twice and /proc/vmstat too,
    which costs about 0.6 ms of CPU a second when the caches are cold at 1 Hz).
    """

    name = "memory"

    def __init__(self, interval_s: float = 1.0, meminfo: Path = Path("/proc/meminfo")) -> None:
        self.interval_s = interval_s
        self._meminfo = meminfo if meminfo.exists() else None

    def read(self) -> MemoryReading:
        if self._meminfo is not None:
            fields = _meminfo_kib(self._meminfo)
            if {"MemTotal", "MemAvailable", "SwapTotal", "SwapFree"} <= fields.keys():
                total, available = fields["MemTotal"] * 1024, fields["MemAvailable"] * 1024
                swap_total = fields["SwapTotal"] * 1024
                return MemoryReading(
                    total, available, total - available, swap_total, swap_total - fields["SwapFree"] * 1024
                )
        ram = psutil.virtual_memory()
        swap = psutil.swap_memory()
        return MemoryReading(
            total_bytes=ram.total,
            available_bytes=ram.available,
            used_bytes=ram.total - ram.available,
            swap_total_bytes=swap.total,
            swap_used_bytes=swap.used,
        )

    def close(self) -> None:
        """Nothing held."""


class DiskIoSource:
    """Read and write rates per physical disk (partitions and virtual devices left out).

    Rates are per real second, also when the engine's clock runs faster (`--time-scale`).
    """

    name = "disk_io"

    def __init__(self, interval_s: float = 1.0, sysfs: Path = SYSFS) -> None:
        self.interval_s = interval_s
        self._rates = RateTracker()
        self._disks = set(physical_disks(sysfs))

    def read(self) -> DiskIoReading:
        counters = psutil.disk_io_counters(perdisk=True, nowrap=True) or {}
        wanted = {n: c for n, c in counters.items() if not self._disks or n in self._disks}
        rates = self._rates.rates(
            time.monotonic(), {n: (float(c.read_bytes), float(c.write_bytes)) for n, c in wanted.items()}
        )
        return DiskIoReading(tuple(DiskRate(n, r[0], r[1]) for n, r in sorted(rates.items())))

    def close(self) -> None:
        """Nothing held."""


class NetworkSource:
    """Receive and transmit rates per network interface, loopback left out."""

    name = "network"

    def __init__(self, interval_s: float = 1.0) -> None:
        self.interval_s = interval_s
        self._rates = RateTracker()

    def read(self) -> NetworkReading:
        counters = psutil.net_io_counters(pernic=True, nowrap=True)
        wanted = {n: (float(c.bytes_recv), float(c.bytes_sent)) for n, c in counters.items() if n != "lo"}
        rates = self._rates.rates(time.monotonic(), wanted)
        return NetworkReading(tuple(NetRate(n, r[0], r[1]) for n, r in sorted(rates.items())))

    def close(self) -> None:
        """Nothing held."""
