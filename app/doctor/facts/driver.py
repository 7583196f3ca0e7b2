"""The NVIDIA driver as the doctor needs it: NVML's answer (through the engine, never a second
NVML session), the kernel module's own version, `nvidia-smi` as a last resort, nouveau, and the
GPUs with their compute capability, PCIe link and persistence mode.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.engine import Engine
from app.core.gpu.records import GpuInfo, GpuReading, GpuSetReading
from app.core.proc import CommandResult, run_command
from app.doctor.records import GpuFact

Runner = Callable[[list[str], float], CommandResult]
SMI_TIMEOUT_S = 10.0

# "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024" (proprietary)
# "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  575.57.08  Release Build ..." (open module)
_MODULE_VERSION = re.compile(r"Kernel Module(?: for \S+)?\s+(\d+(?:\.\d+)+)")
_NVML_OK = ("ok", "simulated")
# nvidia-smi after a driver update without a reboot:
# "Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 535.183"
_MISMATCH_LIBRARY = re.compile(r"NVML library version:\s*(\d+(?:\.\d+)+)")


@dataclass(frozen=True)
class DriverFacts:
    """What is known about the driver and the GPUs; `missing` says why each unknown is unknown."""

    nvidia_driver: str | None
    nvml_error: str | None
    kernel_module_version: str | None
    nouveau_loaded: bool | None
    gpus: tuple[GpuFact, ...]
    simulated: bool
    missing: tuple[tuple[str, str], ...]


def kernel_module_version(procfs: Path) -> str | None:
    """The loaded kernel module's version from `<procfs>/driver/nvidia/version`; None when not loaded."""
    try:
        text = (procfs / "driver" / "nvidia" / "version").read_text(errors="replace")
    except OSError:
        return None
    match = _MODULE_VERSION.search(text)
    return match.group(1) if match else None


def nouveau_loaded(procfs: Path, sysfs: Path) -> bool | None:
    """Whether the open-source nouveau driver is loaded (it keeps NVIDIA's driver off the GPU)."""
    try:
        modules = (procfs / "modules").read_text(errors="replace")
    except OSError:
        module_dir = sysfs / "module"
        return (module_dir / "nouveau").is_dir() if module_dir.is_dir() else None
    return any(line.split(maxsplit=1)[0] == "nouveau" for line in modules.splitlines() if line.strip())


def smi_driver_version(run: Runner = run_command) -> tuple[str | None, str | None]:
    """(version, None) from `nvidia-smi`, or (None, why not): the last resort when NVML is unusable."""
    result = run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"], SMI_TIMEOUT_S)
    if result.problem:
        return None, result.problem
    first = result.stdout.strip().splitlines()[0].strip() if result.stdout.strip() else ""
    library = _MISMATCH_LIBRARY.search(result.stdout)
    if library:  # the driver was updated without a reboot: the installed (user-space) driver is this one
        return library.group(1), None
    if result.returncode != 0 or not re.fullmatch(r"\d+(?:\.\d+)+", first):
        said = (result.stdout.strip() or result.stderr.strip()).splitlines()[:1]
        return None, f"nvidia-smi failed (exit {result.returncode}): {said[0] if said else 'no output'}"
    return first, None


def read_driver_facts(
    engine: Engine, procfs: Path, sysfs: Path, run: Runner = run_command, windows: bool = False
) -> DriverFacts:
    """The driver and GPU facts of a live (or simulated) machine, from the engine's inventory."""
    inventory = engine.inventory()
    status = inventory.nvidia
    readings = _current_links(engine)
    gpus = _gpu_facts(inventory.gpus, readings)
    gpu_missing = _gpu_missing(gpus, inventory.gpus, readings)
    if engine.simulated:
        # Nothing about the real machine is claimed: the driver and GPUs are the simulation's.
        return DriverFacts(None, None, None, None, gpus, True, _simulated_missing() + gpu_missing)
    missing: list[tuple[str, str]] = list(gpu_missing)
    if not gpus:
        missing.append(("gpus", f"no NVIDIA GPU listed: {status.status}"))
    driver = status.driver_version if status.cause in _NVML_OK else None
    if driver is None:
        driver, why = smi_driver_version(run)
        if driver is None:
            missing.append(("nvidia_driver", f"NVML: {status.status}; nvidia-smi: {why}"))
    module, nouveau, module_missing = _kernel_facts(procfs, sysfs, windows)
    missing += module_missing
    nvml_error = None if status.cause in _NVML_OK else status.cause
    return DriverFacts(driver, nvml_error, module, nouveau, gpus, False, tuple(missing))


def _kernel_facts(procfs: Path, sysfs: Path, windows: bool) -> tuple[str | None, bool | None, list[tuple[str, str]]]:
    """The loaded kernel module's version and whether nouveau is loaded: Linux only."""
    if windows:
        why = "not applicable on Windows (a Linux kernel module fact)"
        return None, None, [("kernel_module_version", why), ("nouveau_loaded", why)]
    missing = []
    module = kernel_module_version(procfs)
    if module is None:
        missing.append(
            ("kernel_module_version", f"{procfs}/driver/nvidia/version is absent: NVIDIA's module is not loaded")
        )
    nouveau = nouveau_loaded(procfs, sysfs)
    if nouveau is None:
        missing.append(("nouveau_loaded", f"neither {procfs}/modules nor {sysfs}/module can be read"))
    return module, nouveau, missing


def _simulated_missing() -> tuple[tuple[str, str], ...]:
    why = "SIMULATED GPUs (--demo): the real machine's driver and kernel module are not read"
    return (("nvidia_driver", why), ("kernel_module_version", why), ("nouveau_loaded", why))


def _current_links(engine: Engine) -> dict[int, GpuReading]:
    """Each GPU's live reading (for the current PCIe link), from the engine's GPU source."""
    for source in engine.sources():
        if source.name == "gpu":
            try:
                reading = source.read()
            except Exception:  # a failing read leaves the current link unknown, the rest stands
                return {}
            if isinstance(reading, GpuSetReading):
                return {gpu.index: gpu for gpu in reading.gpus}
    return {}


def _gpu_facts(infos: tuple[GpuInfo, ...], readings: dict[int, GpuReading]) -> tuple[GpuFact, ...]:
    facts = []
    for info in infos:
        reading = readings.get(info.index)
        facts.append(
            GpuFact(
                name=info.name or f"GPU {info.index} (name unreadable)",
                compute_capability=info.compute_capability,
                pci_bus_id=info.pci_bus_id,
                pcie_gen_current=reading.pcie_gen if reading else None,
                pcie_gen_max=info.pcie_gen_max,
                pcie_width_current=reading.pcie_width if reading else None,
                pcie_width_max=info.pcie_width_max,
                persistence_mode=info.persistence_mode,
            )
        )
    return tuple(facts)


_READING_FIELDS = {"pcie_gen_current": "pcie_gen", "pcie_width_current": "pcie_width"}


def _gpu_missing(
    gpus: tuple[GpuFact, ...], infos: tuple[GpuInfo, ...], readings: dict[int, GpuReading]
) -> tuple[tuple[str, str], ...]:
    """("gpus[i].field", why) for each unknown GPU fact, with the reason NVML gave for it."""
    missing = []
    for position, (fact, info) in enumerate(zip(gpus, infos, strict=True)):
        reading = readings.get(info.index)
        for name in (
            "compute_capability",
            "pci_bus_id",
            "pcie_gen_max",
            "pcie_width_max",
            "persistence_mode",
            "pcie_gen_current",
            "pcie_width_current",
        ):
            if getattr(fact, name) is not None:
                continue
            if name in _READING_FIELDS:
                reasons = dict(reading.missing) if reading else {}
                why = reasons.get(_READING_FIELDS[name]) or reasons.get("all") or "no live reading of this GPU"
            else:
                reasons = dict(info.missing)
                why = reasons.get(name) or reasons.get("all") or "the driver did not report it"
            missing.append((f"gpus[{position}].{name}", why))
    return tuple(missing)
