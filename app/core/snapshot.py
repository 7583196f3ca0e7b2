"""`aiwm snapshot`: the inventory plus one set of live readings, as a JSON document (`aiwm.snapshot/1`).

Rates need two readings, so every source is read twice, about half a second apart. A value that
could not be read is `null`; `missing` says why, keyed by the value's path in the document
(`gpus[1].temperature_c`); an entry for a path also explains everything under it (`gpus[1].all`
or `gpus[1]` for a GPU that answered nothing, `memory` for a failed memory source).
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
        "network": _network(inventory.host, readings.get("network"), missing),
        "infiniband": _infiniband(inventory.host, missing),
        "nvidia": _nvidia(inventory.nvidia, missing),
        "gpus": _gpus(inventory.gpus, readings.get("gpu"), readings.get("gpu_pcie"), missing),
        "missing": missing,
    }
    return doc


def _explain(doc: dict[str, Any], path: str, missing: dict[str, str], why: str) -> None:
    """Give every `None` value directly in `doc` that has no reason yet the reason `why`."""
    for key, value in doc.items():
        if value is None:
            missing.setdefault(f"{path}.{key}", why)


def _record(record: Any, path: str, missing: dict[str, str]) -> dict[str, Any]:
    """A record as JSON without its `missing` list, whose reasons go to the document's `missing`."""
    doc = dict(to_json_value(record))
    for name, why in doc.pop("missing", None) or ():
        missing[f"{path}.{name}"] = why
    return doc


def _failed(reading: Any, key: str, missing: dict[str, str]) -> bool:
    if isinstance(reading, str):
        missing[key] = reading
        return True
    return reading is None


def _cpu(host: Any, reading: Any, missing: dict[str, str]) -> dict[str, Any]:
    out = {
        **_record(host.cpu, "cpu", missing),
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
        path = f"disks[{index}]"
        rate, temp, health = rates.get(disk.name), temps.get(disk.name), smart.get(disk.name)
        if temp is None:
            for key in ("temperature_c", "temperature_warning_c", "temperature_critical_c"):
                missing[f"{path}.{key}"] = "no temperature sensor exposed (sysfs hwmon) for this disk"
        if rate is None:
            missing[f"{path}.read_bytes_per_s"] = missing[f"{path}.write_bytes_per_s"] = _why_absent(io, "disk_io")
        doc = {
            **_record(disk, path, missing),
            "read_bytes_per_s": rate.read_bytes_per_s if rate else None,
            "write_bytes_per_s": rate.write_bytes_per_s if rate else None,
            "temperature_c": temp.temperature_c if temp else (health.temperature_c if health else None),
            "temperature_warning_c": temp.warning_c if temp else None,
            "temperature_critical_c": temp.critical_c if temp else None,
            "smart": _smart(health, smart_reading, f"{path}.smart", missing),
        }
        _explain(doc, path, missing, "the drive's sensor does not report it")
        out.append(doc)
    return out


def _why_absent(reading: Any, source: str) -> str:
    """Why a source has no value for one device: the source failed, or it did not list the device."""
    if isinstance(reading, str):
        return f"{source} failed: {reading}"
    if reading is None:
        return f"no {source} source on this machine"
    return f"{source} lists no counters for this device"


def _smart(health: Any, reading: Any, path: str, missing: dict[str, str]) -> dict[str, Any] | None:
    """SMART health; `problem` appears only when smartctl could not be asked."""
    if health is None:
        missing[path] = _why_absent(reading, "smart")
        return None
    doc = dict(to_json_value(health))
    problem = doc.pop("problem", None)
    if problem is not None:
        doc["problem"] = problem
    _explain(doc, path, missing, problem or "smartctl does not report this for this drive")
    return doc


def _network(host: Any, reading: Any, missing: dict[str, str]) -> list[dict[str, Any]]:
    rates = {n.name: n for n in reading.interfaces} if isinstance(reading, NetworkReading) else {}
    out = []
    for index, nic in enumerate(host.network):
        path = f"network[{index}]"
        doc = {
            **_record(nic, path, missing),
            "rx_bytes_per_s": rates[nic.name].rx_bytes_per_s if nic.name in rates else None,
            "tx_bytes_per_s": rates[nic.name].tx_bytes_per_s if nic.name in rates else None,
        }
        _explain(doc, path, missing, _why_absent(reading, "network"))
        out.append(doc)
    return out


def _infiniband(host: Any, missing: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for index, port in enumerate(host.infiniband):
        doc = dict(to_json_value(port))
        _explain(doc, f"infiniband[{index}]", missing, "the kernel exposes no such file for this port (sysfs)")
        out.append(doc)
    return out


def _nvidia(status: Any, missing: dict[str, str]) -> dict[str, Any]:
    """The driver's status; versions NVML did not give are explained by the status itself."""
    doc = dict(to_json_value(status))
    if status.simulated:
        why = "simulated GPUs: no NVIDIA driver is read"
    elif status.ok:
        why = "the driver did not report it"
    else:
        why = status.status
    _explain(doc, "nvidia", missing, why)
    return doc


_PROCESS_UNKNOWN = {
    False: "the process has exited, or another user or container owns it, so the OS hides it; "
    "memory per process is not reported under Windows WDDM",
    True: "not modelled by the simulated GPU",
}


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
        for name, why in (*info.missing, *(gpu.missing if gpu else ()), *(link.missing if link else ())):
            missing[f"gpus[{info.index}].{name}"] = why
        if gpu is None:
            missing.setdefault(f"gpus[{info.index}]", _why_absent(reading, "gpu"))
        for number, process in enumerate(doc.get("processes") or ()):
            _explain(process, f"gpus[{info.index}].processes[{number}]", missing, _PROCESS_UNKNOWN[info.simulated])
        if link is None:
            why = _why_absent(pcie, "gpu_pcie")
            missing.setdefault(f"gpus[{info.index}].pcie_tx_bytes_per_s", why)
            missing.setdefault(f"gpus[{info.index}].pcie_rx_bytes_per_s", why)
        out.append(doc)
    return out
