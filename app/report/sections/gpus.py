"""The GPU section: every GPU's full inventory, grouped as the report shows it (PCIe link, power
limits, temperature thresholds), from the snapshot's GPU entries."""

from __future__ import annotations

from typing import Any

_IDENTITY = ("index", "name", "uuid", "serial", "vbios", "pci_bus_id", "vram_total_bytes", "compute_capability")
_GROUPS = {
    "pcie": {
        "gen_current": "pcie_gen",
        "gen_max": "pcie_gen_max",
        "width_current": "pcie_width",
        "width_max": "pcie_width_max",
    },
    "power": {
        "default_w": "power_default_w",
        "min_w": "power_min_w",
        "max_w": "power_max_w",
        "enforced_w": "power_enforced_w",
    },
    "temperatures": {
        "max_operating_c": "temp_max_operating_c",
        "slowdown_c": "temp_slowdown_c",
        "shutdown_c": "temp_shutdown_c",
        "target_c": "temp_target_c",
    },
}
_FLAGS = ("persistence_mode", "mig_mode", "display_attached", "fan_count", "lost", "simulated")


def gpus_section(snapshot: dict[str, Any], missing: dict[str, str]) -> list[dict[str, Any]]:
    return [_gpu(gpu, number, snapshot["missing"], missing) for number, gpu in enumerate(snapshot["gpus"])]


def _gpu(gpu: dict[str, Any], number: int, snap_missing: dict[str, str], missing: dict[str, str]) -> dict[str, Any]:
    base = f"gpus[{gpu['index']}]"
    why = {path[len(base) + 1 :]: reason for path, reason in snap_missing.items() if path.startswith(base + ".")}
    out: dict[str, Any] = {key: gpu.get(key) for key in _IDENTITY}
    for group, fields in _GROUPS.items():
        out[group] = {new: gpu.get(old) for new, old in fields.items()}
        for new, old in fields.items():
            if gpu.get(old) is None:
                missing[f"gpus[{number}].{group}.{new}"] = why.get(old, "the driver did not report it")
    out.update({key: gpu.get(key) for key in _FLAGS})
    out["simulated"] = bool(gpu.get("simulated"))
    for key in (*_IDENTITY, *_FLAGS):
        if out.get(key) is None:
            missing[f"gpus[{number}].{key}"] = why.get(key, "the driver did not report it")
    return out
