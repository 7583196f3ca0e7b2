"""The machine around the GPUs: several toolkits, nouveau, persistence mode, PCIe links."""

from __future__ import annotations

import shlex

from app.doctor.checks.common import Fix
from app.doctor.records import Facts, Finding, Status, ToolkitFact


def several_toolkits(facts: Facts) -> list[Finding]:
    """More than one CUDA toolkit, or the runtime in several library folders: builds and programs
    may pick different ones. Asked with or without a GPU (nvcc builds on a machine without one)."""
    versions = sorted({t.version for t in facts.toolkits})
    lib_dirs = list(dict.fromkeys(facts.cuda_library_paths))
    if len(versions) <= 1 and len(lib_dirs) <= 1:
        return []
    found = "; ".join(f"{t.version} at {t.path} ({t.found_by})" for t in facts.toolkits)
    libs = f"; libcudart in {', '.join(lib_dirs)}" if len(lib_dirs) > 1 else ""
    fix = _keep_one_toolkit(facts.toolkits[0], facts.os) if facts.toolkits else None
    return [
        Finding(
            "toolkit.several",
            "warn",
            "Several CUDA toolkits on this machine",
            f"{len(versions)} toolkit versions: {found}{libs}",
            fix.words if fix else "keep one CUDA library folder on LD_LIBRARY_PATH (PATH on Windows)",
            fix.command if fix else None,
        )
    ]


def _keep_one_toolkit(keep: ToolkitFact, os_name: str) -> Fix:
    words = (
        f"use the toolkit in use ({keep.version}, {keep.path}) alone: the command sets it for this shell; put the"
        " same in your shell's start-up file and remove the other toolkits' folders there"
    )
    if os_name == "windows":
        return Fix(
            words.replace("shell's start-up file", "user environment variables"),
            f'$env:CUDA_PATH = "{keep.path}"; $env:PATH = "{keep.path}\\bin;" + $env:PATH',
        )
    folder = shlex.quote(keep.path)
    return Fix(words, f"export CUDA_HOME={folder} PATH={folder}/bin:$PATH LD_LIBRARY_PATH={folder}/lib64")


def nouveau(facts: Facts) -> list[Finding]:
    if facts.os != "linux" or not facts.nouveau_loaded:
        return []
    status: Status = "fail" if facts.nvidia_driver is None else "warn"
    return [
        Finding(
            "driver.nouveau",
            status,
            "The nouveau driver is loaded",
            "the open-source nouveau module holds the GPU; the NVIDIA driver cannot load beside it",
            "keep nouveau from loading (a modprobe blacklist file), rebuild the initramfs, and reboot (Ubuntu and"
            " Debian: update-initramfs; Fedora: dracut -f)",
            "echo 'blacklist nouveau' | sudo tee /etc/modprobe.d/blacklist-nouveau.conf && sudo update-initramfs"
            " -u && sudo reboot",
        )
    ]


def persistence(facts: Facts) -> list[Finding]:
    if facts.os != "linux":
        return []
    off = [gpu.name for gpu in facts.gpus if gpu.persistence_mode is False]
    if not off:
        return []
    return [
        Finding(
            "gpu.persistence_off",
            "info",
            "Persistence mode is off",
            f"{len(off)} GPU(s) ({', '.join(off)}): the driver unloads when idle, so each CUDA start waits for it"
            " to initialise",
            "start NVIDIA's persistence daemon now and at every boot (or sudo nvidia-smi -pm 1 until the next boot)",
            "sudo systemctl enable --now nvidia-persistenced",
        )
    ]


def pcie_links(facts: Facts) -> list[Finding]:
    findings = []
    for index, gpu in enumerate(facts.gpus):
        gen, gen_max, width, width_max = (
            gpu.pcie_gen_current,
            gpu.pcie_gen_max,
            gpu.pcie_width_current,
            gpu.pcie_width_max,
        )
        if gen is None or gen_max is None or width is None or width_max is None:
            continue
        if gen >= gen_max and width >= width_max:
            continue
        where = f" at {gpu.pci_bus_id}" if gpu.pci_bus_id else ""
        fix = _pcie_under_load(index, facts.os)
        findings.append(
            Finding(
                "gpu.pcie_link",
                "warn",
                f"{gpu.name}: PCIe link below its maximum",
                f"Gen{gen} x{width} of Gen{gen_max} x{width_max}{where}. Idle GPUs lower the link speed to save power:"
                " read it again under load before acting; a narrower width stays narrow",
                fix.words,
                fix.command,
                f"gpus[{index}]",
            )
        )
    return findings


def _pcie_under_load(index: int, os_name: str) -> Fix:
    """Read the link while `aiwm stress gpu` loads that GPU; a link still low then is the slot or the riser."""
    stress = f"aiwm stress gpu --device {index} --duration 60"
    query = f"nvidia-smi -q -d PCIE -i {index}"
    how = "in another window" if os_name == "windows" else "(the command does both: it reads the link 20 s in)"
    words = (
        f"read the link under load: {query} while {stress} runs {how}; if it stays low, reseat the card in a"
        " full x16 slot and check the BIOS PCIe settings and riser cables"
    )
    return Fix(words, query if os_name == "windows" else f"{stress} & sleep 20; {query}; wait")
