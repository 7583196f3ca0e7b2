"""Cross-check of our NVML readings against `nvidia-smi -q -x` on the same machine.

Used by `make device-check` once per run, never per sample (nvidia-smi starts a new process and
may initialise the driver). Tag names differ between drivers (`power_readings/power_limit`
before ~R530, `gpu_power_readings/current_power_limit` after); both are read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Any

MIB = 2**20


@dataclass(frozen=True)
class Check:
    gpu: int | None
    field: str
    ours: Any
    smi: Any
    ok: bool
    strict: bool = True  # a failed non-strict check is reported but does not fail the run

    def line(self) -> str:
        where = "driver" if self.gpu is None else f"gpu{self.gpu}"
        verdict = "ok" if self.ok else ("MISMATCH" if self.strict else "differs (allowed)")
        return f"{verdict:18} {where}.{self.field}: aiwm={self.ours!r} nvidia-smi={self.smi!r}"


def _number(text: str | None) -> float | None:
    """'450.00 W' -> 450.0, '16x' -> 16.0, 'N/A' -> None."""
    if text is None:
        return None
    head = text.strip().split(" ")[0].rstrip("x")
    try:
        return float(head)
    except ValueError:
        return None


def _text(node: ElementTree.Element, *paths: str) -> str | None:
    for path in paths:
        found = node.find(path)
        if found is not None and found.text and found.text.strip() not in ("N/A", ""):
            return found.text.strip()
    return None


def parse_smi_xml(text: str) -> dict[str, Any]:
    """The values we compare, from `nvidia-smi -q -x`."""
    root = ElementTree.fromstring(text)
    gpus = []
    for gpu in root.findall("gpu"):
        gpus.append(
            {
                "name": _text(gpu, "product_name"),
                "uuid": _text(gpu, "uuid"),
                "vram_total_mib": _number(_text(gpu, "fb_memory_usage/total")),
                "power_limit_w": _number(
                    _text(
                        gpu,
                        "gpu_power_readings/current_power_limit",
                        "power_readings/enforced_power_limit",
                        "power_readings/power_limit",
                    )
                ),
                "temperature_c": _number(_text(gpu, "temperature/gpu_temp")),
                "temp_slowdown_c": _number(_text(gpu, "temperature/gpu_temp_slow_threshold")),
                "sm_clock_mhz": _number(_text(gpu, "clocks/sm_clock")),
                "mem_clock_mhz": _number(_text(gpu, "clocks/mem_clock")),
                "pcie_gen": _number(_text(gpu, "pci/pci_gpu_link_info/pcie_gen/current_link_gen")),
                "pcie_gen_max": _number(_text(gpu, "pci/pci_gpu_link_info/pcie_gen/max_link_gen")),
                "pcie_width": _number(_text(gpu, "pci/pci_gpu_link_info/link_widths/current_link_width")),
                "pcie_width_max": _number(_text(gpu, "pci/pci_gpu_link_info/link_widths/max_link_width")),
            }
        )
    return {"driver_version": _text(root, "driver_version"), "cuda_version": _text(root, "cuda_version"), "gpus": gpus}


# Tolerances a live reading needs between our read and nvidia-smi's, a moment apart.
TEMPERATURE_TOLERANCE_C = 3.0  # the die warms or cools by a few degrees between the reads
POWER_LIMIT_TOLERANCE_W = 1.0  # nvidia-smi prints two decimals; NVML counts milliwatts
VRAM_TOLERANCE_MIB = 1.0
THRESHOLD_TOLERANCE_C = 0.5  # a fixed threshold: must agree
CLOCK_TOLERANCE_MHZ = 150.0  # or 20 % of nvidia-smi's clock, whichever is larger: clocks move


def clock_tolerance_mhz(smi_mhz: Any) -> float:
    return max(CLOCK_TOLERANCE_MHZ, 0.2 * float(smi_mhz or 0))


def _numeric(index: int, field: str, ours: Any, smi: Any, tolerance: float, strict: bool = True) -> Check:
    """Compare two numbers. A value only nvidia-smi shows is a failure (we missed what the driver
    has); a value only we show is reported but allowed (newer nvidia-smi drops some tags, e.g.
    gpu_temp_slow_threshold since R535)."""
    if ours is None or smi is None:
        return Check(index, field, ours, smi, ours is None and smi is None, strict and smi is not None)
    return Check(index, field, ours, smi, abs(float(ours) - float(smi)) <= tolerance, strict)


def compare(snapshot: dict[str, Any], smi: dict[str, Any]) -> list[Check]:
    """Every comparable value, with the tolerance a live reading needs (temperatures and clocks move)."""
    nvidia = snapshot["nvidia"]
    checks = [
        Check(
            None,
            "driver_version",
            nvidia["driver_version"],
            smi["driver_version"],
            nvidia["driver_version"] == smi["driver_version"],
        ),
        Check(
            None,
            "cuda_driver_version",
            nvidia["cuda_driver_version"],
            smi["cuda_version"],
            nvidia["cuda_driver_version"] == smi["cuda_version"],
            smi["cuda_version"] is not None,  # nvidia-smi before R410 printed no CUDA version
        ),
        Check(None, "gpu_count", len(snapshot["gpus"]), len(smi["gpus"]), len(snapshot["gpus"]) == len(smi["gpus"])),
    ]
    for ours, theirs in zip(snapshot["gpus"], smi["gpus"], strict=False):
        checks += _gpu_checks(ours, theirs)
    return checks


def _gpu_checks(ours: dict[str, Any], smi: dict[str, Any]) -> list[Check]:
    index = ours["index"]
    vram_mib = None if ours["vram_total_bytes"] is None else ours["vram_total_bytes"] / MIB
    return [
        Check(index, "name", ours["name"], smi["name"], ours["name"] == smi["name"]),
        Check(index, "uuid", ours["uuid"], smi["uuid"], ours["uuid"] == smi["uuid"]),
        _numeric(index, "vram_total_mib", vram_mib, smi["vram_total_mib"], VRAM_TOLERANCE_MIB),
        _numeric(index, "power_limit_w", ours["power_limit_w"], smi["power_limit_w"], POWER_LIMIT_TOLERANCE_W),
        _numeric(index, "temperature_c", ours["temperature_c"], smi["temperature_c"], TEMPERATURE_TOLERANCE_C),
        _numeric(index, "temp_slowdown_c", ours.get("temp_slowdown_c"), smi["temp_slowdown_c"], THRESHOLD_TOLERANCE_C),
        _numeric(
            index, "sm_clock_mhz", ours["sm_clock_mhz"], smi["sm_clock_mhz"], clock_tolerance_mhz(smi["sm_clock_mhz"])
        ),
        _numeric(
            index,
            "mem_clock_mhz",
            ours["mem_clock_mhz"],
            smi["mem_clock_mhz"],
            clock_tolerance_mhz(smi["mem_clock_mhz"]),
        ),
        _numeric(index, "pcie_gen_max", ours["pcie_gen_max"], smi["pcie_gen_max"], 0),
        _numeric(index, "pcie_width_max", ours["pcie_width_max"], smi["pcie_width_max"], 0),
        # The link retrains between reads when the load changes: reported, not failed.
        _numeric(index, "pcie_gen", ours["pcie_gen"], smi["pcie_gen"], 0, strict=False),
        _numeric(index, "pcie_width", ours["pcie_width"], smi["pcie_width"], 0, strict=False),
    ]
