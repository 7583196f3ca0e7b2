"""The machine around the GPUs: several toolkits, nouveau, persistence mode, PCIe links."""

from __future__ import annotations

from app.doctor.records import Facts, Finding, Status


def several_toolkits(facts: Facts) -> list[Finding]:
    versions = sorted({t.version for t in facts.toolkits})
    lib_dirs = list(dict.fromkeys(facts.cuda_library_paths))
    if len(versions) <= 1 and len(lib_dirs) <= 1:
        return []
    found = "; ".join(f"{t.version} at {t.path} ({t.found_by})" for t in facts.toolkits)
    libs = f"; libcudart in {', '.join(lib_dirs)}" if len(lib_dirs) > 1 else ""
    keep = facts.toolkits[0] if facts.toolkits else None
    fix = (
        f"keep one on the paths, e.g. export PATH={keep.path}/bin:$PATH and LD_LIBRARY_PATH={keep.path}/lib64"
        " (remove the others from ~/.bashrc)"
        if keep
        else "keep one CUDA library folder on LD_LIBRARY_PATH / PATH"
    )
    return [
        Finding(
            "toolkit.several",
            "warn",
            "Several CUDA toolkits on this machine",
            f"{len(versions)} toolkit versions: {found}{libs}",
            fix,
        )
    ]


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
            "sudo systemctl enable --now nvidia-persistenced (or sudo nvidia-smi -pm 1 until the next boot)",
        )
    ]


def pcie_links(facts: Facts) -> list[Finding]:
    findings = []
    for gpu in facts.gpus:
        gen, gen_max, width, width_max = (
            gpu.pcie_gen_current,
            gpu.pcie_gen_max,
            gpu.pcie_width_current,
            gpu.pcie_width_max,
        )
        if None in (gen, gen_max, width, width_max):
            continue
        assert gen is not None and gen_max is not None and width is not None and width_max is not None
        if gen >= gen_max and width >= width_max:
            continue
        where = f" at {gpu.pci_bus_id}" if gpu.pci_bus_id else ""
        findings.append(
            Finding(
                "gpu.pcie_link",
                "warn",
                f"{gpu.name}: PCIe link below its maximum",
                f"Gen{gen} x{width} of Gen{gen_max} x{width_max}{where}. Idle GPUs lower the link speed to save power:"
                " read it again under load before acting; a narrower width stays narrow",
                "check under load (nvidia-smi -q -d PCIE while running `aiwm stress` or a training job); if it"
                " stays low,"
                " reseat the card in a full x16 slot and check the BIOS PCIe settings and riser cables",
            )
        )
    return findings
