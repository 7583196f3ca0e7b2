"""The readable (non-JSON) form of `aiwm snapshot`."""

from __future__ import annotations

from typing import Any

from app.core.gpu.records import NvidiaStatus
from app.core.gpu.status_advice import advise
from app.core.units import NA, format_bytes, format_rate, format_value


def snapshot_text(doc: dict[str, Any]) -> str:
    """Every reading with its unit; a missing one as "n/a (why)", the why from the JSON's `missing` map."""
    why = _Reasons(doc["missing"], doc["nvidia"]["status"])
    lines = []
    if doc["simulated"]:
        lines.append("*** SIMULATED GPUs (--demo): these GPU readings are not real hardware ***")
    host, cpu, mem = doc["host"], doc["cpu"], doc["memory"]
    lines += [
        f"Host     {host['hostname']}  {host['os']}  kernel {host['kernel']}  Python {host['python']}",
        f"CPU      {why.text(cpu['model'], 'cpu.model')}  {cpu['physical_cores']} cores / {cpu['logical_cores']}"
        f" threads  use {why.of(format_value(cpu['util_percent'], '%', 1), 'cpu.util_percent')}"
        f"  {why.of(format_value(cpu['freq_mhz'], 'MHz'), 'cpu.freq_mhz')}"
        f"  temp {why.of(format_value(cpu['temperature_c'], '°C', 1), 'cpu.temperature_c')}",
        f"Memory   {format_bytes(mem['used_bytes'])} used of {format_bytes(mem['total_bytes'])}"
        f"  swap {format_bytes(mem['swap_used_bytes'])} of {format_bytes(mem['swap_total_bytes'])}",
    ]
    lines += [_disk_line(index, disk, why) for index, disk in enumerate(doc["disks"])]
    lines += [_network_line(index, nic, why) for index, nic in enumerate(doc["network"])]
    lines += _nvidia_lines(doc["nvidia"], why)
    lines += [_gpu_line(gpu, why) for gpu in doc["gpus"]]
    return "\n".join(lines)


class _Reasons:
    """Appends to each "n/a" why it is missing, from the snapshot's `missing` map (key: "disks[0].temperature_c")."""

    def __init__(self, missing: dict[str, str], nvidia_status: str) -> None:
        self._missing = missing
        self._nvidia_status = nvidia_status

    def reason(self, key: str) -> str | None:
        return self._missing.get(key)

    def of(self, shown: str, key: str) -> str:
        """`shown` (a formatted reading), with the reason when it is "n/a"."""
        if shown != NA:
            return shown
        reason = self._missing.get(key) or "not reported, no reason given"
        if reason == self._nvidia_status:
            reason = "NVML did not start: see the status"  # said once, on the same line
        return f"{NA} ({reason})"

    def text(self, value: str | None, key: str) -> str:
        return self.of(value or NA, key)


def _disk_line(index: int, disk: dict[str, Any], why: _Reasons) -> str:
    return (
        f"Disk     {disk['name']} ({disk['kind'] or '?'}, {format_bytes(disk['total_bytes'])})"
        f"  read {format_rate(disk['read_bytes_per_s'])}  write {format_rate(disk['write_bytes_per_s'])}"
        f"  temp {why.of(format_value(disk['temperature_c'], '°C'), f'disks[{index}].temperature_c')}"
    )


def _network_line(index: int, nic: dict[str, Any], why: _Reasons) -> str:
    speed = why.of(format_value(nic["speed_mbps"], "Mb/s"), f"network[{index}].speed_mbps")
    return (
        f"Network  {nic['name']}  link {speed}"
        f"  rx {format_rate(nic['rx_bytes_per_s'])}  tx {format_rate(nic['tx_bytes_per_s'])}"
    )


def _nvidia_lines(nvidia: dict[str, Any], why: _Reasons) -> list[str]:
    lines = [
        f"NVIDIA   {nvidia['status']}  driver {why.text(nvidia['driver_version'], 'nvidia.driver_version')}"
        f"  CUDA {why.text(nvidia['cuda_driver_version'], 'nvidia.cuda_driver_version')}"
    ]
    advice = advise(NvidiaStatus(**nvidia))
    if advice is not None:
        lines += [f"         {advice.headline}", f"         What to do: {advice.what_to_do}"]
    return lines


def _gpu_line(gpu: dict[str, Any], why: _Reasons) -> str:
    index = gpu["index"]
    if gpu.get("lost"):  # the rest of the line says why the name is n/a
        return f"GPU {index}    {gpu['name'] or NA}: LOST (fell off the bus); reboot needed"
    unreadable = why.reason(f"gpus[{index}].all")
    if unreadable is not None:
        return f"GPU {index}    {gpu['name'] or NA}: UNREADABLE: {unreadable}"
    name = why.text(gpu["name"], f"gpus[{index}].name")

    def shown(field: str, text: str) -> str:
        return why.of(text, f"gpus[{index}].{field}")

    reasons = ", ".join(gpu.get("clock_event_reasons") or []) or "none"
    return (
        f"GPU {index}    {name}  use {shown('util_percent', format_value(gpu.get('util_percent'), '%'))}"
        f"  VRAM {shown('vram_used_bytes', format_bytes(gpu.get('vram_used_bytes')))}"
        f" / {shown('vram_total_bytes', format_bytes(gpu.get('vram_total_bytes')))}"
        f"  {shown('temperature_c', format_value(gpu.get('temperature_c'), '°C'))}"
        f"  {shown('power_w', format_value(gpu.get('power_w'), 'W'))}"
        f" / {shown('power_limit_w', format_value(gpu.get('power_limit_w'), 'W'))}"
        f"  SM {shown('sm_clock_mhz', format_value(gpu.get('sm_clock_mhz'), 'MHz'))}"
        f"  fan {shown('fan_percent', format_value(gpu.get('fan_percent'), '%'))}"
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
        lines.append(f"    precision: {m['decimals']} digits after the point (CSV and display)")
        if m["dcgm"]:
            scale = f" (DCGM's value = ours x {m['dcgm_scale']:g})" if m["dcgm_scale"] != 1.0 else ""
            lines.append(f"    dcgm-exporter: {m['dcgm']}{scale}")
        if m["node_exporter"]:
            lines.append(f"    node_exporter: {m['node_exporter']}")
    return "\n".join(lines)
