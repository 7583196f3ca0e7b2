"""The doctor's records: the facts it checks and the findings it gives. Immutable, shared by
the fact gathering (`gather`), the rules (`rules`), the CLI, the window and the report.

Every fact may be unknown: `None`, with the reason in `Facts.missing` keyed by the fact's path
("frameworks[0].arch_list", "system.firewall_active").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FACTS_SCHEMA = "aiwm.facts/1"
DOCTOR_SCHEMA = "aiwm.doctor/1"

Status = Literal["pass", "info", "warn", "fail", "skip"]
Overall = Literal["pass", "warn", "fail"]
STATUSES: tuple[Status, ...] = ("pass", "info", "warn", "fail", "skip")


@dataclass(frozen=True)
class GpuFact:
    """One GPU as the doctor needs it; the PCIe and persistence facts come from the inventory."""

    name: str
    compute_capability: str | None  # "8.9"
    pci_bus_id: str | None = None
    pcie_gen_current: int | None = None
    pcie_gen_max: int | None = None
    pcie_width_current: int | None = None
    pcie_width_max: int | None = None
    persistence_mode: bool | None = None


@dataclass(frozen=True)
class FrameworkFact:
    """One framework in one Python environment, as it reported itself in a subprocess."""

    name: str  # "torch" | "tensorflow" | "jax"
    version: str
    cuda: str | None  # the CUDA it was built with; None for a CPU-only build
    cudnn: str | None
    arch_list: tuple[str, ...] | None  # ("sm_50", ..., "compute_90"); None: use the knowledge tables
    cuda_available: bool | None = None  # torch.cuda.is_available() / GPUs TensorFlow lists
    environment: str | None = None  # the Python interpreter it was found in
    error: str | None = None  # it is installed but failed to import: why


@dataclass(frozen=True)
class ToolkitFact:
    """One CUDA toolkit found on disk."""

    version: str  # "12.4"
    path: str
    found_by: str  # "nvcc on PATH", "CUDA_HOME", "/usr/local/cuda-12.4", ...


@dataclass(frozen=True)
class CudnnFact:
    """One cuDNN found: a header, a library or a pip package."""

    version: str  # "9.1.0"
    path: str
    found_by: str  # "cudnn_version.h", "libcudnn.so.9", "pip nvidia-cudnn-cu12"
    cuda_major: int | None = None  # from the pip package's name (-cu12) where known


@dataclass(frozen=True)
class SystemFacts:
    """Upkeep and security facts readable without root; None when they could not be read."""

    firewall_active: bool | None = None
    ssh_password_login: bool | None = None
    pending_security_updates: int | None = None
    data_folder_encrypted: bool | None = None


@dataclass(frozen=True)
class Facts:
    """What the doctor checks (the `aiwm.facts/1` document, extended by the live gathering)."""

    os: str  # "linux" | "windows"
    nvidia_driver: str | None
    gpus: tuple[GpuFact, ...]
    cuda_toolkit: str | None  # the toolkit in use (first nvcc on PATH, else CUDA_HOME, ...)
    cudnn: str | None
    frameworks: tuple[FrameworkFact, ...]
    toolkits: tuple[ToolkitFact, ...] = ()  # every toolkit found; more than one is a finding
    cudnns: tuple[CudnnFact, ...] = ()
    # NVML's own error, as `NvidiaStatus.cause`: library_not_found, driver_not_loaded,
    # version_mismatch, no_permission, no_gpu, failed; None when NVML answered (or not asked).
    nvml_error: str | None = None
    kernel_module_version: str | None = None  # /proc/driver/nvidia/version
    nouveau_loaded: bool | None = None
    cuda_library_paths: tuple[str, ...] = ()  # folders of libcudart on LD_LIBRARY_PATH / PATH
    system: SystemFacts = field(default_factory=SystemFacts)
    simulated: bool = False
    missing: tuple[tuple[str, str], ...] = ()  # (fact path, why it is unknown)


@dataclass(frozen=True)
class Finding:
    """One check's result. `detail` carries the numbers; `fix` the command, package or download."""

    id: str  # "driver.too_old_for_framework", stable: the report and tests key on it
    status: Status
    title: str
    detail: str
    fix: str | None = None


@dataclass(frozen=True)
class DoctorReport:
    """The doctor's answer for one set of facts."""

    overall: Overall
    findings: tuple[Finding, ...]
    facts: Facts


def overall_of(findings: tuple[Finding, ...]) -> Overall:
    """fail if any finding fails, warn if any warns, else pass (info and skip never fail a machine)."""
    statuses = {finding.status for finding in findings}
    if "fail" in statuses:
        return "fail"
    if "warn" in statuses:
        return "warn"
    return "pass"
