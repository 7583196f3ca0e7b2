"""Host readings: CPU, memory, per-disk and per-interface throughput.

On Linux they come straight from /proc (one small file per source, read from an injectable root
so tests use recorded snapshots); psutil is the fallback where those files do not exist.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from app.core import procfs as proc
from app.core.procfs import PROCFS
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

Monotonic = Callable[[], float]
LOOPBACK = "lo"


class CpuSource:
    """CPU use in total and per core (from time deltas), frequency, load and package temperature."""

    name = "cpu"

    def __init__(self, interval_s: float = 1.0, sysfs: Path = SYSFS, procfs: Path = PROCFS) -> None:
        self.interval_s = interval_s
        self._sysfs = sysfs
        self._procfs = procfs
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
            load_1m=self._load_1m(),
            temperature_c=temperature,
            missing=tuple(missing),
        )

    def _per_core_percent(self) -> list[float]:
        """Busy share of each core since the last read; empty on the first read."""
        now = self._core_times()
        last, self._last = self._last, now
        if last is None or len(last) != len(now):
            return []
        return [
            _busy_percent(total - old_total, idle - old_idle)
            for (total, idle), (old_total, old_idle) in zip(now, last, strict=True)
        ]

    def _core_times(self) -> list[tuple[float, float]]:
        """(total, idle) time of each core: /proc/stat on Linux, psutil elsewhere."""
        from_proc = proc.cpu_core_times(self._procfs)
        if from_proc is not None:
            return [(float(total), float(idle)) for total, idle in from_proc]
        return [(sum(t), t.idle + getattr(t, "iowait", 0.0)) for t in psutil.cpu_times(percpu=True)]

    def _load_1m(self) -> float | None:
        from_proc = proc.load_1m(self._procfs)
        if from_proc is not None:
            return from_proc
        return os.getloadavg()[0] if hasattr(os, "getloadavg") else None

    def close(self) -> None:
        """Nothing held."""


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

    def __init__(self, interval_s: float = 1.0, procfs: Path = PROCFS) -> None:
        self.interval_s = interval_s
        self._procfs = procfs

    def read(self) -> MemoryReading:
        fields = proc.meminfo_kib(self._procfs) or {}
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

    Rates are per real second (`monotonic`), also when the engine's clock runs faster (`--time-scale`).
    """

    name = "disk_io"

    def __init__(
        self, interval_s: float = 1.0, sysfs: Path = SYSFS, procfs: Path = PROCFS, monotonic: Monotonic = time.monotonic
    ) -> None:
        self.interval_s = interval_s
        self._rates = RateTracker()
        self._disks = set(physical_disks(sysfs))
        self._procfs = procfs
        self._monotonic = monotonic

    def read(self) -> DiskIoReading:
        counters = self._counters()
        wanted = {n: c for n, c in counters.items() if not self._disks or n in self._disks}
        rates = self._rates.rates(self._monotonic(), wanted)
        return DiskIoReading(tuple(DiskRate(n, r[0], r[1]) for n, r in sorted(rates.items())))

    def _counters(self) -> dict[str, tuple[float, ...]]:
        """(bytes read, bytes written) per block device: /proc/diskstats on Linux, psutil elsewhere."""
        from_proc = proc.disk_bytes(self._procfs)
        if from_proc is not None:
            return {n: (float(r), float(w)) for n, (r, w) in from_proc.items()}
        counters = psutil.disk_io_counters(perdisk=True, nowrap=True) or {}
        return {n: (float(c.read_bytes), float(c.write_bytes)) for n, c in counters.items()}

    def close(self) -> None:
        """Nothing held."""


class NetworkSource:
    """Receive and transmit rates per network interface, loopback left out."""

    name = "network"

    def __init__(self, interval_s: float = 1.0, procfs: Path = PROCFS, monotonic: Monotonic = time.monotonic) -> None:
        self.interval_s = interval_s
        self._rates = RateTracker()
        self._procfs = procfs
        self._monotonic = monotonic

    def read(self) -> NetworkReading:
        wanted = {n: c for n, c in self._counters().items() if n != LOOPBACK}
        rates = self._rates.rates(self._monotonic(), wanted)
        return NetworkReading(tuple(NetRate(n, r[0], r[1]) for n, r in sorted(rates.items())))

    def _counters(self) -> dict[str, tuple[float, ...]]:
        """(bytes received, bytes sent) per interface: /proc/net/dev on Linux, psutil elsewhere."""
        from_proc = proc.network_bytes(self._procfs)
        if from_proc is not None:
            return {n: (float(rx), float(tx)) for n, (rx, tx) in from_proc.items()}
        counters = psutil.net_io_counters(pernic=True, nowrap=True)
        return {n: (float(c.bytes_recv), float(c.bytes_sent)) for n, c in counters.items()}

    def close(self) -> None:
        """Nothing held."""
