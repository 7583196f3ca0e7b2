"""The machine section: identity, CPU, memory, storage with NVMe/SMART health, network.

Built from `aiwm snapshot`'s document (the same numbers the CLI prints), plus each interface's
MAC and IP addresses from psutil, which the snapshot does not carry.
"""

from __future__ import annotations

import getpass
import socket
from typing import Any

import psutil

_CPU_KEYS = ("model", "physical_cores", "logical_cores", "max_freq_mhz")
_MEMORY_KEYS = ("total_bytes", "swap_total_bytes")
_DISK_KEYS = (
    "name",
    "model",
    "kind",
    "total_bytes",
    "mountpoints",
    "temperature_c",
    "temperature_warning_c",
    "temperature_critical_c",
)


def machine_section(snapshot: dict[str, Any], missing: dict[str, str]) -> dict[str, Any]:
    host = snapshot.get("host") or {}
    _carry(snapshot["missing"], missing, {"cpu": "machine.cpu", "memory": "machine.memory"})
    return {
        "hostname": host.get("hostname") or socket.gethostname(),
        "os": _os_line(host),
        "kernel": host.get("kernel"),
        "user": _user(missing),
        "cpu": {key: snapshot["cpu"].get(key) for key in _CPU_KEYS},
        "memory": {key: snapshot["memory"].get(key) for key in _MEMORY_KEYS},
        "storage": [_disk(disk, index, snapshot["missing"], missing) for index, disk in enumerate(snapshot["disks"])],
        "network": _network(snapshot["network"], snapshot["missing"], missing),
    }


def _os_line(host: dict[str, Any]) -> str | None:
    os_name, kernel = host.get("os"), host.get("kernel")
    return f"{os_name} (kernel {kernel})" if os_name and kernel else os_name or kernel


def _user(missing: dict[str, str]) -> str | None:
    try:
        return getpass.getuser()
    except OSError as error:  # no user database entry (a container with an arbitrary uid)
        missing["machine.user"] = f"the user name could not be read: {error}"
        return None


def _carry(source: dict[str, str], target: dict[str, str], prefixes: dict[str, str]) -> None:
    """Copy the snapshot's reasons for `prefix…` paths to the report's paths."""
    for path, why in source.items():
        for old, new in prefixes.items():
            if path == old or path.startswith((f"{old}.", f"{old}[")):
                target[new + path[len(old) :]] = why


def _disk(disk: dict[str, Any], index: int, snap_missing: dict[str, str], missing: dict[str, str]) -> dict[str, Any]:
    _carry(snap_missing, missing, {f"disks[{index}].smart": f"machine.storage[{index}].health"})
    _carry(snap_missing, missing, {f"disks[{index}]": f"machine.storage[{index}]"})
    for path in [p for p in missing if p.startswith(f"machine.storage[{index}].smart")]:
        del missing[path]  # said under .health, where the report puts SMART
    smart = disk.get("smart")
    health = None
    if smart is not None:
        health = {k: smart.get(k) for k in ("passed", "percentage_used", "critical_warning", "temperature_c")}
        health["media_errors"] = smart.get("media_errors")
        if smart.get("media_errors") is None:
            missing.setdefault(f"machine.storage[{index}].health.media_errors", smart.get("problem") or "not reported")
        if smart.get("problem"):
            health["problem"] = smart["problem"]
    out = {key: disk.get(key) for key in _DISK_KEYS}
    out["size_bytes"] = disk.get("total_bytes")
    out["serial"] = disk.get("serial")
    if out["serial"] is None:
        missing.setdefault(f"machine.storage[{index}].serial", "the inventory does not read disk serial numbers")
    out["health"] = health
    return out


def _network(nics: list[dict[str, Any]], snap_missing: dict[str, str], missing: dict[str, str]) -> list[dict[str, Any]]:
    try:
        addresses = psutil.net_if_addrs()
    except OSError as error:
        addresses, why = {}, f"addresses could not be read: {error}"
    else:
        why = "the interface has no hardware address"
    out = []
    for index, nic in enumerate(nics):
        entries = addresses.get(nic["name"], [])
        mac = next((a.address for a in entries if a.family == psutil.AF_LINK), None)
        ips = [a.address for a in entries if a.family in (socket.AF_INET, socket.AF_INET6)]
        if mac is None:
            missing[f"machine.network[{index}].mac"] = why
        out.append(
            {
                "name": nic["name"],
                "mac": mac,
                "addresses": ips,
                "speed_mbps": nic.get("speed_mbps"),
                "is_up": nic.get("is_up"),
            }
        )
        if nic.get("speed_mbps") is None:
            why_speed = snap_missing.get(f"network[{index}].speed_mbps", "the driver reports no link speed")
            missing[f"machine.network[{index}].speed_mbps"] = why_speed
    return out
