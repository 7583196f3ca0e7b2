"""Is the NVIDIA driver there, loaded and consistent, and new enough for each CUDA build and the toolkit?"""

from __future__ import annotations

from dataclasses import dataclass

from app.doctor.checks.common import DRIVER_DOWNLOAD, driver_of, label, upgrade_driver_fix
from app.doctor.checks.lookups import (
    Wheel,
    best_torch_wheel,
    compute_capability,
    coverage,
    driver_for,
    minor_compat,
    toolkit_driver,
    torch_variant,
)
from app.doctor.knowledge import Knowledge
from app.doctor.records import Facts, Finding, FrameworkFact, Status
from app.doctor.versions import Version, parse_version

_NVML_FAILURES = {
    "driver_not_loaded": (
        "the NVIDIA kernel module is not loaded",
        "load the NVIDIA kernel module; if that fails, check Secure Boot (mokutil --sb-state) and whether the"
        " module was built for this kernel (dkms status)",
        "sudo modprobe nvidia",
    ),
    "version_mismatch": (
        "the NVIDIA kernel module and the user-space library are different versions (the driver was updated"
        " without a reboot)",
        "reboot so the new kernel module loads",
        "sudo reboot",
    ),
    "no_permission": (
        "this user may not open the GPU devices",
        "add yourself to the group that owns /dev/nvidia* (see the command's output), or pass the GPUs to the"
        " container (docker run --gpus all)",
        "ls -l /dev/nvidia*",
    ),
    "failed": ("NVML failed", "run nvidia-smi to see the driver's own error", "nvidia-smi"),
}


def no_gpu_finding(facts: Facts, knowledge: Knowledge) -> Finding | None:
    """No NVIDIA GPU at all: one clear warning instead of a page of failures."""
    if facts.gpus or facts.nvml_error not in (None, "no_gpu", "library_not_found"):
        return None
    why = {
        None: "no NVIDIA GPU was reported",
        "no_gpu": "the NVIDIA driver found no GPU",
        "library_not_found": "the NVIDIA driver's library (NVML) is not installed",
    }[facts.nvml_error]
    fix = upgrade_driver_fix(facts, knowledge, None)
    return Finding(
        "gpu.none",
        "warn",
        "No NVIDIA GPU found: the GPU checks were skipped",
        f"{why}; frameworks run on the CPU. Driver, architecture, cuDNN and PCIe checks were skipped.",
        f"if this machine has an NVIDIA GPU: {fix.words}",
        fix.command,
    )


def driver_loaded(facts: Facts) -> list[Finding]:
    """The driver answers, and the loaded kernel module is the same version as the library."""
    if facts.nvml_error in _NVML_FAILURES:
        what, words, linux_command = _NVML_FAILURES[facts.nvml_error]
        command: str | None = linux_command
        detail = what
        if facts.kernel_module_version and facts.nvidia_driver:
            detail += f": kernel module {facts.kernel_module_version}, library {facts.nvidia_driver}"
        finding_id = "driver.version_mismatch" if facts.nvml_error == "version_mismatch" else "driver.loaded"
        if facts.os == "windows" and facts.nvml_error != "failed":
            words, command = "restart Windows; if the driver still fails, reinstall it from " + DRIVER_DOWNLOAD, None
        return [Finding(finding_id, "fail", "NVIDIA driver not usable", detail, words, command)]
    module, library = facts.kernel_module_version, facts.nvidia_driver
    if module and library and parse_version(module, "kernel_module_version") != parse_version(library, "nvidia_driver"):
        return [
            Finding(
                "driver.version_mismatch",
                "fail",
                "Driver updated but not reloaded",
                f"kernel module {module} (/proc/driver/nvidia/version) != library {library}",
                "reboot so the new kernel module loads",
                "sudo reboot",
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
                "run nvidia-smi to see the driver's own error; reinstall the driver if it fails",
                "nvidia-smi",
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
    verdict = _compare_driver(facts, knowledge, cuda, driver, _needs_ptx_jit(facts, knowledge, framework))
    if verdict.needed is None:
        return Finding(
            "driver.for_framework", verdict.status, title, verdict.detail, subject=_subject(facts, framework)
        )
    fix = upgrade_driver_fix(facts, knowledge, verdict.needed)
    words = fix.words
    wheel = _wheel_for_this_driver(facts, knowledge, framework, driver, cuda)
    if wheel is not None:
        command = wheel.command_for(framework, facts.os)
        words += f"; or keep driver {driver} and install the {wheel.variant.tag} build of PyTorch: {command}"
    return Finding(
        "driver.for_framework", verdict.status, title, verdict.detail, words, fix.command, _subject(facts, framework)
    )


def _subject(facts: Facts, framework: FrameworkFact) -> str:
    return f"frameworks[{facts.frameworks.index(framework)}]"


def _wheel_for_this_driver(
    facts: Facts, knowledge: Knowledge, framework: FrameworkFact, driver: Version, cuda: Version
) -> Wheel | None:
    """The newest official PyTorch wheel this driver already runs, when it is another CUDA variant."""
    if framework.name != "torch":
        return None
    ccs = [cc for cc, _ in (compute_capability(knowledge, gpu) for gpu in facts.gpus) if cc is not None]
    wheel = best_torch_wheel(knowledge, ccs, driver, facts.os)
    return wheel if wheel is not None and wheel.variant.cuda != cuda.major_minor() else None


def driver_for_toolkit(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    driver = driver_of(facts)
    if driver is None or facts.cuda_toolkit is None:
        return []
    cuda = parse_version(facts.cuda_toolkit, "cuda_toolkit")
    title = f"Driver for the CUDA {cuda} toolkit"
    verdict = _compare_driver(facts, knowledge, cuda, driver, False)
    if verdict.needed is None:
        return [Finding("driver.for_toolkit", verdict.status, title, verdict.detail)]
    fix = upgrade_driver_fix(facts, knowledge, verdict.needed)
    return [Finding("driver.for_toolkit", verdict.status, title, verdict.detail, fix.words, fix.command)]


@dataclass(frozen=True)
class _Verdict:
    """A driver against a CUDA release: the status, the numbers, and the driver the detail asks for."""

    status: Status
    detail: str
    needed: Version | None  # the driver the detail says is needed; None when nothing is to be done


def _compare_driver(facts: Facts, knowledge: Knowledge, cuda: Version, driver: Version, needs_jit: bool) -> _Verdict:
    """pass at the toolkit's own driver; below it, minor-version compatibility (info) or fail.
    The fix always names the driver the detail says is missing, never one already installed."""
    full_row, family = toolkit_driver(knowledge, cuda), minor_compat(knowledge, cuda)
    if full_row is None and family is None:
        return _Verdict("skip", f"CUDA {cuda} is not in the driver table: cannot say which driver it needs", None)
    full = driver_for(facts.os, full_row) if full_row else None
    floor = driver_for(facts.os, family) if family else None
    if full is not None and driver >= full:
        return _Verdict("pass", f"driver {driver} >= {full}, the CUDA {cuda} toolkit driver (full features)", None)
    if needs_jit and full is not None:
        detail = (
            f"driver {driver} < {full} required by CUDA {cuda} builds: a GPU is covered only by PTX, which the"
            " driver's JIT must compile and cannot for a newer CUDA (cudaErrorUnsupportedPtxVersion)"
        )
        return _Verdict("fail", detail, full)
    if floor is not None and driver >= floor:
        if full is None:
            detail = (
                f"driver {driver} >= {floor}: runs CUDA {cuda} builds under minor-version compatibility (limited"
                f" feature set; CUDA {cuda} is not in the release table)"
            )
            return _Verdict("info", detail, None)
        detail = (
            f"driver {driver} >= {floor}: runs CUDA {cuda} builds under minor-version compatibility (limited"
            f" feature set); full features and PTX JIT need >= {full}"
        )
        return _Verdict("info", detail, full)
    needed = floor or full
    assert needed is not None
    first = _first_release_of(knowledge, facts.os, needed)
    if first != needed:  # "580": a branch, not a driver; name its first release, which the fix installs
        detail = (
            f"driver {driver} < {needed} required by CUDA {cuda} builds (the first R{needed.major} driver is {first})"
        )
        return _Verdict("fail", detail, first)
    return _Verdict("fail", f"driver {driver} < {needed} required by CUDA {cuda} builds", needed)


def _first_release_of(knowledge: Knowledge, os_name: str, branch: Version) -> Version:
    """A bare branch ("580") as its first driver in the release table (580.65.06), where the table has one."""
    if len(branch.parts) > 1:
        return branch
    drivers = [driver_for(os_name, row) for row in knowledge.toolkit_drivers]
    releases = [d for d in drivers if d.major == branch.major and len(d.parts) > 1]
    return min(releases) if releases else branch
