"""The readable (non-JSON) form of `aiwm snapshot`."""

from __future__ import annotations

from typing import Any

from app.core.gpu.records import NvidiaStatus
from app.core.gpu.status_advice import advise
from app.core.units import NA, format_bytes, format_rate, format_value


def snapshot_text(doc: dict[str, Any]) -> str:
    lines = []
    if doc["simulated"]:
        lines.append("*** SIMULATED GPUs (--demo): these GPU readings are not real hardware ***")
    host, cpu, mem = doc["host"], doc["cpu"], doc["memory"]
    lines += [
        f"Host     {host['hostname']}  {host['os']}  kernel {host['kernel']}  Python {host['python']}",
        f"CPU      {cpu['model'] or NA}  {cpu['physical_cores']} cores / {cpu['logical_cores']} threads"
        f"  use {format_value(cpu['util_percent'], '%', 1)}  {format_value(cpu['freq_mhz'], 'MHz')}"
        f"  temp {format_value(cpu['temperature_c'], '°C', 1)}",
        f"Memory   {format_bytes(mem['used_bytes'])} used of {format_bytes(mem['total_bytes'])}"
        f"  swap {format_bytes(mem['swap_used_bytes'])} of {format_bytes(mem['swap_total_bytes'])}",
    ]
    for disk in doc["disks"]:
        lines.append(
            f"Disk     {disk['name']} ({disk['kind'] or '?'}, {format_bytes(disk['total_bytes'])})"
            f"  read {format_rate(disk['read_bytes_per_s'])}  write {format_rate(disk['write_bytes_per_s'])}"
            f"  temp {format_value(disk['temperature_c'], '°C')}"
        )
    for nic in doc["network"]:
        lines.append(
            f"Network  {nic['name']} ({format_value(nic['speed_mbps'], 'Mb/s')})"
            f"  rx {format_rate(nic['rx_bytes_per_s'])}  tx {format_rate(nic['tx_bytes_per_s'])}"
        )
    nvidia = doc["nvidia"]
    lines.append(
        f"NVIDIA   {nvidia['status']}  driver {nvidia['driver_version'] or NA}"
        f"  CUDA {nvidia['cuda_driver_version'] or NA}"
    )
    advice = advise(NvidiaStatus(**nvidia))
    if advice is not None:
        lines += [f"         {advice.headline}", f"         What to do: {advice.what_to_do}"]
    lines += [_gpu_line(gpu, doc["missing"]) for gpu in doc["gpus"]]
    return "\n".join(lines)


def _gpu_line(gpu: dict[str, Any], missing: dict[str, str]) -> str:
    if gpu.get("lost"):
        return f"GPU {gpu['index']}    {gpu['name'] or NA}: LOST (fell off the bus); reboot needed"
    unreadable = missing.get(f"gpus[{gpu['index']}].all")
    if unreadable is not None:
        return f"GPU {gpu['index']}    {gpu['name'] or NA}: UNREADABLE: {unreadable}"
    reasons = ", ".join(gpu.get("clock_event_reasons") or []) or "none"
    return (
        f"GPU {gpu['index']}    {gpu['name'] or NA}  use {format_value(gpu.get('util_percent'), '%')}"
        f"  VRAM {format_bytes(gpu.get('vram_used_bytes'))} / {format_bytes(gpu.get('vram_total_bytes'))}"
        f"  {format_value(gpu.get('temperature_c'), '°C')}"
        f"  {format_value(gpu.get('power_w'), 'W')} / {format_value(gpu.get('power_limit_w'), 'W')}"
        f"  SM {format_value(gpu.get('sm_clock_mhz'), 'MHz')}  fan {format_value(gpu.get('fan_percent'), '%')}"
        f"  PCIe Gen{gpu.get('pcie_gen') or '?'} x{gpu.get('pcie_width') or '?'}"
        f"  clock events: {reasons}"
    )


def metrics_text(doc: dict[str, Any]) -> str:
    """`aiwm metrics`: one line per metric family, then its meaning and equivalents indented."""
    lines = []
    for m in doc["metrics"]:
        unit = "unitless" if m["unit"] == "1" else m["unit"]
        lines.append(f"{m['pattern']:<40} {unit:<9} {m['kind']:<8} {m['label']}")
        lines.append(f"    {m['description']}")
        if m["dcgm"]:
            lines.append(f"    dcgm-exporter: {m['dcgm']}")
        if m["node_exporter"]:
            lines.append(f"    node_exporter: {m['node_exporter']}")
    return "\n".join(lines)
