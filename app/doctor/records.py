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
    python: str | None = None  # that environment's Python version ("3.11.9"); None: not reported
    # The packages built against this framework that a reinstall must replace with it, as the probe
    # saw them: (("torchvision", "0.23.0"), ("torchaudio", "2.8.0")); () none installed; None not reported.
    companions: tuple[tuple[str, str], ...] | None = None


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
    ssh_server_installed: bool | None = None  # False: no sshd, so no SSH login to protect
    data_folder: str | None = None  # the folder whose disk `data_folder_encrypted` is about
    data_device: str | None = None  # the block device that holds it ("/dev/nvme0n1p2")


EnvironmentOutcome = Literal["answered", "timed_out", "failed"]


@dataclass(frozen=True)
class EnvironmentFact:
    """One Python environment the doctor asked: whether its probe answered, and why not."""

    interpreter: str
    outcome: EnvironmentOutcome
    problem: str | None = None  # why it did not answer ("timed out after 60 s")
    python: str | None = None  # its Python version, when it answered


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
    environments: tuple[EnvironmentFact, ...] = ()  # each Python environment asked, in order


@dataclass(frozen=True)
class Finding:
    """One check's result. `detail` carries the numbers; `fix` says in words what to do;
    `fix_command` is the exact command to paste into a terminal, where there is one.

    `id` names the check and stays stable (the report and tests key on it); a check that looks
    at several things gives one finding each, told apart by `subject`, the fact paths it is about
    ("gpus[0]", "frameworks[1]/gpus[0]", "cudnn/gpus[0]", "environments[2]"). (`id`, `subject`)
    is unique within a report; `key` joins them.
    """

    id: str  # "driver.too_old_for_framework", stable: the report and tests key on it
    status: Status
    title: str
    detail: str
    fix: str | None = None
    fix_command: str | None = None  # runnable as it stands (a shell line); None when no command fits
    subject: str | None = None  # what this finding is about when its check gives several

    @property
    def key(self) -> str:
        """`id` alone, or "id:subject": unique within a report."""
        return self.id if self.subject is None else f"{self.id}:{self.subject}"


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
