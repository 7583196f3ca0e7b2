"""How the report's values read, for every renderer: labels, units and numbers as plain text.

The HTML report (app/report/html*.py) and the PDF (app/ui/report/) both format through this
module, so a value reads the same in both: bytes in binary units (GiB), byte rates in decimal
units (MB/s), a key's unit from its name (`_c`, `_w`, `_s`, ...), a history metric with the
metric catalog's decimals. Plain Python, no Qt and no HTML: each renderer escapes or draws the
text itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, TypeGuard

from app.core.units import NA, format_bytes, format_rate

# (key ending, unit) in the order they are tried: longer endings first ("_bytes_per_s" before "_s").
UNIT_ENDINGS: tuple[tuple[str, str], ...] = (
    ("c_per_w", "°C/W"),
    ("_c_per_min", "°C/min"),
    ("percentage_used", "%"),
    ("seconds", "s"),
    ("_mbps", "Mbit/s"),
    ("_mhz", "MHz"),
    ("_percent", "%"),
    ("tflops", "TFLOPS"),
    ("_flops", "FLOP"),
    ("_usd", "USD"),
    ("_hours", "h"),
    ("_c", "°C"),
    ("_w", "W"),
    ("_s", "s"),
)

# Labels for keys whose plain-words form would be unclear ("idle_c" would read "Idle").
LABELS = {
    "idle_c": "Idle temperature",
    "peak_c": "Peak temperature",
    "steady_c": "Steady temperature",
    "target_c": "Target temperature",
    "time_to_steady_s": "Time to steady state",
    "time_constant_s": "Thermal time constant",
    "headroom_to_slowdown_c": "Headroom to slowdown",
    "headroom_to_max_operating_c": "Headroom to max operating",
    "sustained_ratio": "Sustained clock ratio",
    "throttle_percent": "Time throttled",
    "power_fraction": "Power as a fraction of the limit",
    "c_per_w": "Temperature rise per watt",
    "cooldown_s": "Cooldown time",
    "tflops": "Throughput",
    "peak_tflops": "Peak throughput",
    "percent_of_peak": "Share of peak",
    "vram_total_bytes": "VRAM",
    "pci_bus_id": "PCI bus ID",
    "uuid": "UUID",
    "vbios": "VBIOS",
    "mig_mode": "MIG mode",
    "mac": "MAC address",
    "nvidia_driver": "NVIDIA driver",
    "cuda_toolkit": "CUDA toolkit",
    "cudnn": "cuDNN",
    "cuda": "CUDA",
    "os": "OS",
    "cpu": "CPU",
    "nvml_error": "NVML error",
    "percentage_used": "Wear (percentage used)",
    "media_errors": "Media errors",
    "speed_mbps": "Speed",
    "size_bytes": "Size",
    "seconds": "Length",
    # The doctor's facts (aiwm.facts/1, app/doctor/records.py) in the words of its checks.
    "gpus": "GPUs",
    "toolkits": "CUDA toolkits found",
    "cudnns": "cuDNN copies found",
    "frameworks": "Frameworks",
    "kernel_module_version": "NVIDIA kernel module",
    "nouveau_loaded": "Nouveau driver loaded",
    "cuda_library_paths": "CUDA runtime folders on the library path",
    "environments": "Python environments asked",
    "pcie_gen_current": "PCIe generation now",
    "pcie_gen_max": "PCIe generation (max)",
    "pcie_width_current": "PCIe lanes now",
    "pcie_width_max": "PCIe lanes (max)",
    "firewall_active": "Firewall active",
    "ssh_password_login": "SSH password login allowed",
    "ssh_server_installed": "SSH server installed",
    "data_folder_encrypted": "Data folder encrypted",
    "arch_list": "Built for",
    "cuda_available": "CUDA available",
    "cuda_major": "For CUDA",
    "found_by": "Found by",
}

# Words people write in capitals: "pcie gen" reads "PCIe gen", "vram used" "VRAM used".
ACRONYMS = {
    "pcie": "PCIe", "pci": "PCI", "gpu": "GPU", "gpus": "GPUs", "cpu": "CPU", "vram": "VRAM", "ram": "RAM",
    "cuda": "CUDA", "cudnn": "cuDNN", "nvml": "NVML", "mig": "MIG", "os": "OS", "id": "ID", "uuid": "UUID",
    "usd": "USD", "mac": "MAC", "ip": "IP", "sm": "SM", "kv": "KV", "tflops": "TFLOPS", "nvme": "NVMe",
    "ssh": "SSH", "vbios": "VBIOS", "smart": "SMART", "hw": "HW", "sw": "SW", "mfu": "MFU", "lora": "LoRA",
}  # fmt: skip

_ISO_UTC = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d(?::\d\d)?)(?:\.\d+)?(?:Z|[+-]00:?00)$")
# Digits shown at most: a catalog's microsecond counters (6 decimals) help no reader of a report.
MAX_DECIMALS = 3


def unit_of(key: str) -> str:
    """The unit a key's name carries ("peak_c" → "°C"), or "" for a plain number."""
    if key.startswith("percent_"):
        return "%"
    return next((unit for ending, unit in UNIT_ENDINGS if key == ending.lstrip("_") or key.endswith(ending)), "")


def label_of(key: str) -> str:
    """A key in plain words, without its unit: "time_to_steady_s" → "Time to steady state"."""
    if key in LABELS:
        return LABELS[key]
    words = key
    for ending in ("_bytes_per_s", "_bytes", *(e for e, _ in UNIT_ENDINGS if e.startswith("_"))):
        if words.endswith(ending) and len(words) > len(ending):
            words = words[: -len(ending)]
            break
    parts = [ACRONYMS.get(word.lower(), word) for word in words.replace("_", " ").split()]
    text = " ".join(parts)
    return text[:1].upper() + text[1:] if parts and parts[0] not in ACRONYMS.values() else text


def number_text(value: float) -> str:
    """A number as people read it: whole numbers without a point, others to at most 3 decimals."""
    if isinstance(value, int) or (math.isfinite(value) and value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    if not math.isfinite(value):
        return NA
    if abs(value) >= 1e6:
        return f"{value:.4g}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def fixed_text(value: float, decimals: int) -> str:
    """`value` rounded to `decimals` digits after the point, trailing zeros dropped: 450.000 → "450"."""
    if not math.isfinite(value):
        return NA
    text = f"{value:.{max(0, min(decimals, MAX_DECIMALS))}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def utc_text(value: str) -> str | None:
    """An ISO-8601 UTC time as "2026-11-28 15:00:00 UTC"; None when `value` is not one."""
    match = _ISO_UTC.match(value)
    return f"{match.group(1)} {match.group(2)} UTC" if match else None


def quantity(key: str, value: float) -> str:
    """A number with the unit its key names: bytes in binary units (GiB), rates in MB/s."""
    if key.endswith("_bytes_per_s"):
        return format_rate(value)
    if key.endswith("_bytes") or key == "bytes":
        return format_bytes(value)
    text = number_text(value)
    return NA if text == NA else f"{text} {unit_of(key)}".rstrip()


def with_unit(value: float, unit: str, decimals: int | None = None) -> str:
    """A value in a catalog unit ("B", "B/s", "°C", "1" for none): bytes as GiB, rates as MB/s,
    others to `decimals` digits (the catalog's), or as `number_text` when the catalog has none."""
    if unit == "B":
        return format_bytes(value)
    if unit == "B/s":
        return format_rate(value)
    text = number_text(value) if decimals is None else fixed_text(value, decimals)
    return f"{text} {'' if unit == '1' else unit}".rstrip()


def scalar_text(key: str, value: object) -> str:
    """A scalar from the document as text: booleans in words, numbers with their key's unit, UTC times."""
    if value is None:
        return NA
    if isinstance(value, bool):
        on, off = ("on", "off") if key.endswith("_mode") else ("yes", "no")
        return on if value else off
    if isinstance(value, int | float):
        return quantity(key, value)
    return utc_text(str(value)) or str(value)


def is_number(value: object) -> TypeGuard[int | float]:
    """A finite number (not a boolean): what a statistic or a size may be."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def mapping(value: object) -> Mapping[str, Any]:
    """`value` when it is an object, else an empty one (a whole record may be null)."""
    return value if isinstance(value, Mapping) else {}


def items(value: object) -> list[Mapping[str, Any]]:
    """The objects of a list; a null list or a stray item reads as nothing."""
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list | tuple) else []


def spread_labels(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Positions for labels stacked on one axis (threshold labels at their lines' heights): each as
    near its wanted position as it can be while labels stay `gap` apart and inside `low`..`high`.
    The labels of slowdown 96 °C and shutdown 101 °C are 10 px apart on a small graph: without this
    they print over each other. Returns the positions in the order of `wanted`."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed: list[float] = []
    for i in order:
        spot = max(wanted[i], low)
        placed.append(spot if not placed else max(spot, placed[-1] + gap))
    overflow = (placed[-1] - high) if placed else 0.0
    if overflow > 0:  # pushed past the far end: slide the stack back, never past the near end
        placed = [max(low + k * gap, spot - overflow) for k, spot in enumerate(placed)]
    result = [0.0] * len(wanted)
    for i, spot in zip(order, placed, strict=True):
        result[i] = spot
    return result


def threshold_label_spots(lines: list[float], gap: float, low: float, high: float) -> list[float]:
    """Baselines for the labels of horizontal lines at heights `lines` (y grows downward, as on a
    page): each label just above its line; a label that would crowd the one above it goes just below
    its own line instead, so no label prints over another or across its line."""
    above, below = 3.0, gap
    wanted = [y - above for y in lines]
    first = spread_labels(wanted, gap, low, high)
    moved = [y + below if spot > w + 0.5 else w for y, w, spot in zip(lines, wanted, first, strict=True)]
    return spread_labels(moved, gap, low, high)
