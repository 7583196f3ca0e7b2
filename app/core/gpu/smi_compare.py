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


def _close(ours: Any, smi: Any, tolerance: float) -> bool:
    if ours is None or smi is None:
        return ours is None and smi is None
    return abs(float(ours) - float(smi)) <= tolerance


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
        ),
        Check(None, "gpu_count", len(snapshot["gpus"]), len(smi["gpus"]), len(snapshot["gpus"]) == len(smi["gpus"])),
    ]
    for ours, theirs in zip(snapshot["gpus"], smi["gpus"], strict=False):
        checks += _gpu_checks(ours, theirs)
    return checks


def _gpu_checks(ours: dict[str, Any], smi: dict[str, Any]) -> list[Check]:
    index = ours["index"]
    vram_mib = None if ours["vram_total_bytes"] is None else ours["vram_total_bytes"] / MIB

    def sm_tolerance(value: Any) -> float:
        return max(150.0, 0.2 * float(value or 0))  # clocks move between the two reads

    return [
        Check(index, "name", ours["name"], smi["name"], ours["name"] == smi["name"]),
        Check(index, "uuid", ours["uuid"], smi["uuid"], ours["uuid"] == smi["uuid"]),
        Check(index, "vram_total_mib", vram_mib, smi["vram_total_mib"], _close(vram_mib, smi["vram_total_mib"], 1.0)),
        Check(
            index,
            "power_limit_w",
            ours["power_limit_w"],
            smi["power_limit_w"],
            _close(ours["power_limit_w"], smi["power_limit_w"], 1.0),
        ),
        Check(
            index,
            "temperature_c",
            ours["temperature_c"],
            smi["temperature_c"],
            _close(ours["temperature_c"], smi["temperature_c"], 3.0),
        ),
        Check(
            index,
            "temp_slowdown_c",
            ours.get("temp_slowdown_c"),
            smi["temp_slowdown_c"],
            _close(ours.get("temp_slowdown_c"), smi["temp_slowdown_c"], 0.5),
        ),
        Check(
            index,
            "sm_clock_mhz",
            ours["sm_clock_mhz"],
            smi["sm_clock_mhz"],
            _close(ours["sm_clock_mhz"], smi["sm_clock_mhz"], sm_tolerance(smi["sm_clock_mhz"])),
        ),
        Check(
            index,
            "mem_clock_mhz",
            ours["mem_clock_mhz"],
            smi["mem_clock_mhz"],
            _close(ours["mem_clock_mhz"], smi["mem_clock_mhz"], sm_tolerance(smi["mem_clock_mhz"])),
        ),
        Check(
            index,
            "pcie_gen_max",
            ours["pcie_gen_max"],
            smi["pcie_gen_max"],
            _close(ours["pcie_gen_max"], smi["pcie_gen_max"], 0),
        ),
        Check(
            index,
            "pcie_width_max",
            ours["pcie_width_max"],
            smi["pcie_width_max"],
            _close(ours["pcie_width_max"], smi["pcie_width_max"], 0),
        ),
        # The link retrains between reads when the load changes: reported, not failed.
        Check(
            index, "pcie_gen", ours["pcie_gen"], smi["pcie_gen"], _close(ours["pcie_gen"], smi["pcie_gen"], 0), False
        ),
        Check(
            index,
            "pcie_width",
            ours["pcie_width"],
            smi["pcie_width"],
            _close(ours["pcie_width"], smi["pcie_width"], 0),
            False,
        ),
    ]
