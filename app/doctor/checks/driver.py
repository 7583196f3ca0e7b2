"""Is the NVIDIA driver there, loaded and consistent, and new enough for each CUDA build and the toolkit?"""

from __future__ import annotations

from app.doctor.checks.common import driver_of, label, upgrade_driver_fix
from app.doctor.checks.lookups import (
    best_torch_wheel,
    compute_capability,
    coverage,
    driver_for,
    minor_compat,
    toolkit_driver,
    torch_variant,
)
from app.doctor.knowledge import Knowledge
from app.doctor.records import Facts, Finding, FrameworkFact
from app.doctor.versions import Version, parse_version

_NVML_FAILURES = {
    "driver_not_loaded": (
        "the NVIDIA kernel module is not loaded",
        "sudo modprobe nvidia; if that fails, check Secure Boot (`mokutil --sb-state`) and the module build"
        " (`dkms status`)",
    ),
    "version_mismatch": (
        "the NVIDIA kernel module and the user-space library are different versions (the driver was updated"
        " without a reboot)",
        "reboot (sudo reboot) so the new kernel module loads",
    ),
    "no_permission": (
        "this user may not open the GPU devices",
        "check `ls -l /dev/nvidia*`: add yourself to the owning group, or pass the GPUs to the container (--gpus all)",
    ),
    "failed": ("NVML failed", "run `nvidia-smi` to see the driver's own error"),
}


def no_gpu_finding(facts: Facts) -> Finding | None:
    """No NVIDIA GPU at all: one clear warning instead of a page of failures."""
    if facts.gpus or facts.nvml_error not in (None, "no_gpu", "library_not_found"):
        return None
    why = {
        None: "no NVIDIA GPU was reported",
        "no_gpu": "the NVIDIA driver found no GPU",
        "library_not_found": "the NVIDIA driver's library (NVML) is not installed",
    }[facts.nvml_error]
    return Finding(
        "gpu.none",
        "warn",
        "No NVIDIA GPU found: the GPU checks were skipped",
        f"{why}; frameworks run on the CPU. Driver, architecture, cuDNN and PCIe checks were skipped.",
        "if this machine has an NVIDIA GPU, install the driver (Ubuntu: `sudo ubuntu-drivers install`; others:"
        " https://www.nvidia.com/en-us/drivers/) and reboot",
    )


def driver_loaded(facts: Facts) -> list[Finding]:
    """The driver answers, and the loaded kernel module is the same version as the library."""
    if facts.nvml_error in _NVML_FAILURES:
        what, fix = _NVML_FAILURES[facts.nvml_error]
        detail = what
        if facts.kernel_module_version and facts.nvidia_driver:
            detail += f": kernel module {facts.kernel_module_version}, library {facts.nvidia_driver}"
        finding_id = "driver.version_mismatch" if facts.nvml_error == "version_mismatch" else "driver.loaded"
        return [Finding(finding_id, "fail", "NVIDIA driver not usable", detail, fix)]
    module, library = facts.kernel_module_version, facts.nvidia_driver
    if module and library and parse_version(module, "kernel_module_version") != parse_version(library, "nvidia_driver"):
        return [
            Finding(
                "driver.version_mismatch",
                "fail",
                "Driver updated but not reloaded",
                f"kernel module {module} (/proc/driver/nvidia/version) != library {library}",
                "reboot (sudo reboot) so the new kernel module loads",
            )
        ]
    if library is None and facts.simulated:
        return [
            Finding(
                "driver.loaded",
                "skip",
                "NVIDIA driver not checked: the GPUs are SIMULATED",
                "simulated GPUs (--demo) have no driver; the driver checks need the real machine (aiwm doctor)",
            )
        ]
    if library is None:
        return [
            Finding(
                "driver.loaded",
                "fail",
                "NVIDIA driver version unknown",
                "the GPUs are listed but no driver version was read",
                "run `nvidia-smi`; reinstall the driver if it fails",
            )
        ]
    count = len(facts.gpus)
    return [
        Finding(
            "driver.loaded", "pass", "NVIDIA driver loaded", f"driver {library}, {count} GPU{'s' if count != 1 else ''}"
        )
    ]


def driver_for_frameworks(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    driver = driver_of(facts)
    if driver is None:
        return []
    return [
        _driver_for_framework(facts, knowledge, framework, driver)
        for framework in facts.frameworks
        if framework.cuda is not None and framework.error is None
    ]


def _needs_ptx_jit(facts: Facts, knowledge: Knowledge, framework: FrameworkFact) -> bool:
    """True when some GPU is covered only by the build's PTX (it needs the driver's JIT to know that CUDA)."""
    arch_list = framework.arch_list
    if arch_list is None and framework.name == "torch":
        known = torch_variant(knowledge, framework)
        arch_list = known[1].arch_list if known else None
    if arch_list is None:
        return False
    for gpu in facts.gpus:
        cc, _ = compute_capability(knowledge, gpu)
        if cc is not None and coverage(arch_list, cc) == "ptx":
            return True
    return False


def _driver_for_framework(facts: Facts, knowledge: Knowledge, framework: FrameworkFact, driver: Version) -> Finding:
    cuda = parse_version(framework.cuda, f"{framework.name} cuda")
    title = f"Driver for {label(framework)}"
    fix = _framework_driver_fix(facts, knowledge, framework, driver)
    return _compare_driver(
        facts, knowledge, "driver.for_framework", title, cuda, driver, fix, _needs_ptx_jit(facts, knowledge, framework)
    )


def driver_for_toolkit(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    driver = driver_of(facts)
    if driver is None or facts.cuda_toolkit is None:
        return []
    cuda = parse_version(facts.cuda_toolkit, "cuda_toolkit")
    fix = upgrade_driver_fix(facts.os, _full_minimum(facts, knowledge, cuda) or cuda)
    return [
        _compare_driver(
            facts, knowledge, "driver.for_toolkit", f"Driver for the CUDA {cuda} toolkit", cuda, driver, fix, False
        )
    ]


def _full_minimum(facts: Facts, knowledge: Knowledge, cuda: Version) -> Version | None:
    row = toolkit_driver(knowledge, cuda)
    return driver_for(facts.os, row) if row else None


def _compare_driver(
    facts: Facts,
    knowledge: Knowledge,
    finding_id: str,
    title: str,
    cuda: Version,
    driver: Version,
    fix: str,
    needs_jit: bool,
) -> Finding:
    """pass at the toolkit's own driver; below it, minor-version compatibility (info) or fail."""
    full_row, family = toolkit_driver(knowledge, cuda), minor_compat(knowledge, cuda)
    if full_row is None and family is None:
        return Finding(
            finding_id, "skip", title, f"CUDA {cuda} is not in the driver table: cannot say which driver it needs"
        )
    full = driver_for(facts.os, full_row) if full_row else None
    if full is not None and driver >= full:
        return Finding(
            finding_id, "pass", title, f"driver {driver} >= {full}, the CUDA {cuda} toolkit driver (full features)"
        )
    if needs_jit and full is not None:
        return Finding(
            finding_id,
            "fail",
            title,
            f"driver {driver} < {full} required by CUDA {cuda} builds: a GPU is covered only by PTX, which the"
            " driver's JIT"
            " must compile and cannot for a newer CUDA (cudaErrorUnsupportedPtxVersion)",
            fix,
        )
    if family is not None and driver >= driver_for(facts.os, family):
        floor = driver_for(facts.os, family)
        newer = f"; full features and PTX JIT need >= {full}" if full else f" (CUDA {cuda} is not in the release table)"
        return Finding(
            finding_id,
            "info",
            title,
            f"driver {driver} >= {floor}: runs CUDA {cuda} builds under minor-version compatibility (limited"
            f" feature set){newer}",
            fix,
        )
    needed = driver_for(facts.os, family) if family else full
    return Finding(finding_id, "fail", title, f"driver {driver} < {needed} required by CUDA {cuda} builds", fix)


def _framework_driver_fix(facts: Facts, knowledge: Knowledge, framework: FrameworkFact, driver: Version) -> str:
    """Upgrade the driver, or (PyTorch) install the newest wheel this driver already runs."""
    cuda = parse_version(framework.cuda, f"{framework.name} cuda")
    family = minor_compat(knowledge, cuda)
    minimum = driver_for(facts.os, family) if family else _full_minimum(facts, knowledge, cuda) or cuda
    fix = upgrade_driver_fix(facts.os, minimum)
    if framework.name == "torch":
        ccs = [cc for cc, _ in (compute_capability(knowledge, gpu) for gpu in facts.gpus) if cc is not None]
        wheel = best_torch_wheel(knowledge, ccs, driver, facts.os)
        if wheel is not None and wheel.variant.cuda != cuda.major_minor():
            fix += (
                f"; or keep the driver and install a {wheel.variant.tag} build: {wheel.command(framework.environment)}"
            )
    return fix
