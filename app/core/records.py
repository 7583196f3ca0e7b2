"""Immutable records of host readings. Units are in the field names; `None` means "could not read".

Each reading flattens itself into named metrics (`cpu.util_percent`, `disk.nvme0n1.read_bytes_per_s`)
for the history, the session file and the CSV export, so every consumer reads the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

Metrics = dict[str, float | None]


class Reading(Protocol):
    """What every source returns: a frozen record that can name its numbers."""

    def metrics(self) -> Metrics:
        """The record's numbers by metric name, with the unit in the name."""
        ...


@dataclass(frozen=True)
class CpuReading:
    util_percent: float | None
    per_core_percent: tuple[float, ...]
    freq_mhz: float | None
    load_1m: float | None
    temperature_c: float | None
    missing: tuple[tuple[str, str], ...] = ()

    def metrics(self) -> Metrics:
        out: Metrics = {
            "cpu.util_percent": self.util_percent,
            "cpu.freq_mhz": self.freq_mhz,
            "cpu.load_1m": self.load_1m,
            "cpu.temperature_c": self.temperature_c,
        }
        for index, value in enumerate(self.per_core_percent):
            out[f"cpu.core{index}.util_percent"] = value
        return out


@dataclass(frozen=True)
class MemoryReading:
    total_bytes: int
    available_bytes: int
    used_bytes: int
    swap_total_bytes: int
    swap_used_bytes: int

    def metrics(self) -> Metrics:
        return {
            "mem.used_bytes": float(self.used_bytes),
            "mem.available_bytes": float(self.available_bytes),
            "mem.swap_used_bytes": float(self.swap_used_bytes),
        }


@dataclass(frozen=True)
class DiskRate:
    name: str
    read_bytes_per_s: float | None
    write_bytes_per_s: float | None


@dataclass(frozen=True)
class DiskIoReading:
    disks: tuple[DiskRate, ...]

    def metrics(self) -> Metrics:
        out: Metrics = {}
        for disk in self.disks:
            out[f"disk.{disk.name}.read_bytes_per_s"] = disk.read_bytes_per_s
            out[f"disk.{disk.name}.write_bytes_per_s"] = disk.write_bytes_per_s
        return out


@dataclass(frozen=True)
class NetRate:
    name: str
    rx_bytes_per_s: float | None
    tx_bytes_per_s: float | None


@dataclass(frozen=True)
class NetworkReading:
    interfaces: tuple[NetRate, ...]

    def metrics(self) -> Metrics:
        out: Metrics = {}
        for nic in self.interfaces:
            out[f"net.{nic.name}.rx_bytes_per_s"] = nic.rx_bytes_per_s
            out[f"net.{nic.name}.tx_bytes_per_s"] = nic.tx_bytes_per_s
        return out


@dataclass(frozen=True)
class DriveTemperature:
    """An NVMe drive's composite temperature and the thresholds its controller reports."""

    name: str
    temperature_c: float | None
    warning_c: float | None
    critical_c: float | None


@dataclass(frozen=True)
class DriveTemperatureReading:
    drives: tuple[DriveTemperature, ...]

    def metrics(self) -> Metrics:
        return {f"disk.{d.name}.temperature_c": d.temperature_c for d in self.drives}


@dataclass(frozen=True)
class SmartHealth:
    """What `smartctl --json` said of one drive; `problem` says why nothing was read."""

    name: str
    passed: bool | None
    percentage_used: float | None
    critical_warning: int | None
    temperature_c: float | None
    warning_temp_minutes: float | None
    critical_temp_minutes: float | None
    problem: str | None = None


@dataclass(frozen=True)
class SmartReading:
    drives: tuple[SmartHealth, ...]

    def metrics(self) -> Metrics:
        out: Metrics = {}
        for d in self.drives:
            out[f"smart.{d.name}.wear_percent"] = d.percentage_used
            out[f"smart.{d.name}.critical_warning"] = None if d.critical_warning is None else float(d.critical_warning)
        return out
