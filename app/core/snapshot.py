"""`aiwm snapshot`: the inventory plus one set of live readings, as a JSON document (`aiwm.snapshot/1`).

Rates need two readings, so every source is read twice, about half a second apart. A value that
could not be read is `null`; `missing` says why, keyed by the value's path in the document.
"""

from __future__ import annotations

import time
from typing import Any

from app import __version__
from app.core.clock import iso_utc
from app.core.engine import Engine
from app.core.gpu.records import GpuSetReading, PcieThroughputReading
from app.core.json_values import to_json_value
from app.core.records import (
    CpuReading,
    DiskIoReading,
    DriveTemperatureReading,
    MemoryReading,
    NetworkReading,
    SmartReading,
)

SNAPSHOT_SCHEMA = "aiwm.snapshot/1"
RATE_GAP_S = 0.5
_SLOW_SOURCES = {"smart"}  # read once: each read runs a program per drive


def read_twice(engine: Engine) -> dict[str, Any]:
    """Each source's second reading (errors as text), so rates cover the gap between the two."""
    sources = engine.sources()
    for source in sources:
        if source.name not in _SLOW_SOURCES:
            _safe_read(source)
    time.sleep(RATE_GAP_S)
    return {source.name: _safe_read(source) for source in sources}


def _safe_read(source: Any) -> Any:
    try:
        return source.read()
    except Exception as error:  # one failing source leaves its values null, with the reason
        return f"{type(error).__name__}: {error}"


def take_snapshot(engine: Engine) -> dict[str, Any]:
    inventory = engine.inventory()
    readings = read_twice(engine)
    missing: dict[str, str] = {}
    doc: dict[str, Any] = {
        "schema": SNAPSHOT_SCHEMA,
        "program_version": __version__,
        "taken_at": iso_utc(time.time()),
        "simulated": inventory.simulated,
        "host": to_json_value(inventory.host.host),
        "cpu": _cpu(inventory.host, readings.get("cpu"), missing),
        "memory": _memory(readings.get("memory"), missing),
        "disks": _disks(inventory.host, readings, missing),
        "network": _network(inventory.host, readings.get("network")),
        "infiniband": to_json_value(inventory.host.infiniband),
        "nvidia": to_json_value(inventory.nvidia),
        "gpus": _gpus(inventory.gpus, readings.get("gpu"), readings.get("gpu_pcie"), missing),
        "missing": missing,
    }
    return doc


def _failed(reading: Any, key: str, missing: dict[str, str]) -> bool:
    if isinstance(reading, str):
        missing[key] = reading
        return True
    return reading is None


def _cpu(host: Any, reading: Any, missing: dict[str, str]) -> dict[str, Any]:
    out = {
        "model": host.cpu.model,
        "physical_cores": host.cpu.physical_cores,
        "logical_cores": host.cpu.logical_cores,
        "max_freq_mhz": host.cpu.max_freq_mhz,
        "util_percent": None,
        "per_core_percent": [],
        "freq_mhz": None,
        "load_1m": None,
        "temperature_c": None,
    }
    if not _failed(reading, "cpu", missing) and isinstance(reading, CpuReading):
        out.update({k: v for k, v in to_json_value(reading).items() if k != "missing"})
        missing.update({f"cpu.{name}": why for name, why in reading.missing})
    return out


def _memory(reading: Any, missing: dict[str, str]) -> dict[str, Any]:
    keys = ("total_bytes", "available_bytes", "used_bytes", "swap_total_bytes", "swap_used_bytes")
    if _failed(reading, "memory", missing) or not isinstance(reading, MemoryReading):
        return dict.fromkeys(keys)
    return dict(to_json_value(reading))


def _disks(host: Any, readings: dict[str, Any], missing: dict[str, str]) -> list[dict[str, Any]]:
    io = readings.get("disk_io")
    rates = {d.name: d for d in io.disks} if isinstance(io, DiskIoReading) else {}
    temps_reading = readings.get("nvme_temperature")
    temps = {d.name: d for d in temps_reading.drives} if isinstance(temps_reading, DriveTemperatureReading) else {}
    smart_reading = readings.get("smart")
    smart = {d.name: d for d in smart_reading.drives} if isinstance(smart_reading, SmartReading) else {}
    out = []
    for index, disk in enumerate(host.disks):
        rate, temp, health = rates.get(disk.name), temps.get(disk.name), smart.get(disk.name)
        if temp is None:
            missing[f"disks[{index}].temperature_c"] = "no temperature sensor exposed (sysfs hwmon) for this disk"
        out.append(
            {
                **to_json_value(disk),
                "read_bytes_per_s": rate.read_bytes_per_s if rate else None,
                "write_bytes_per_s": rate.write_bytes_per_s if rate else None,
                "temperature_c": temp.temperature_c if temp else (health.temperature_c if health else None),
                "temperature_warning_c": temp.warning_c if temp else None,
                "temperature_critical_c": temp.critical_c if temp else None,
                "smart": to_json_value(health),
            }
        )
    return out


def _network(host: Any, reading: Any) -> list[dict[str, Any]]:
    rates = {n.name: n for n in reading.interfaces} if isinstance(reading, NetworkReading) else {}
    return [
        {
            **to_json_value(nic),
            "rx_bytes_per_s": rates[nic.name].rx_bytes_per_s if nic.name in rates else None,
            "tx_bytes_per_s": rates[nic.name].tx_bytes_per_s if nic.name in rates else None,
        }
        for nic in host.network
    ]


def _gpus(infos: Any, reading: Any, pcie: Any, missing: dict[str, str]) -> list[dict[str, Any]]:
    if isinstance(reading, str):
        missing["gpus"] = reading
    live = {g.index: g for g in reading.gpus} if isinstance(reading, GpuSetReading) else {}
    links = {g.index: g for g in pcie.gpus} if isinstance(pcie, PcieThroughputReading) else {}
    out = []
    for info in infos:
        gpu = live.get(info.index)
        link = links.get(info.index)
        doc = {**to_json_value(info), **(to_json_value(gpu) if gpu else {})}
        doc["pcie_tx_bytes_per_s"] = link.tx_bytes_per_s if link else None
        doc["pcie_rx_bytes_per_s"] = link.rx_bytes_per_s if link else None
        doc.pop("missing", None)
        for name, why in (*info.missing, *(gpu.missing if gpu else ())):
            missing[f"gpus[{info.index}].{name}"] = why
        out.append(doc)
    return out
