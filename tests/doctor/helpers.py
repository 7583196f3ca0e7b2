"""Building facts for the rule tests, and finding the findings they give."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from app.doctor.records import DoctorReport, Facts, Finding, FrameworkFact, GpuFact, SystemFacts
from app.doctor.rules import evaluate

TODAY = date(2026, 11, 28)  # the rules' "today" in tests: fixed, so end-of-life answers do not drift

# The sources the test cases cite (the published rows they come from).
CUDA_DRIVER_TABLE = (
    "https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/index.html",
    "CUDA Toolkit and Corresponding Driver Versions",
)
MINOR_COMPAT_TABLE = (
    "https://docs.nvidia.com/deploy/cuda-compatibility/minor-version-compatibility.html",
    "Minor Version Compatibility: 12.x >= 525.60.13 (Linux) / >= 528.33 (Windows); 11.1-11.8 >= 450.80.02 / >= 452.39",
)
CUDA13_NOTES = (
    "https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/index.html",
    "13.4 U1 notes: 13.x runs on >= 580",
)
GPU_TABLE = ("https://developer.nvidia.com/cuda-gpus", "Compute Capability of NVIDIA GPUs")
CUDA13_DROPS = (
    "https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/index.html",
    "13.0: Maxwell, Pascal, Volta removed",
)
CUDA12_DROPS = ("https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/index.html", "12.0: Kepler removed")
BLACKWELL_GUIDE = (
    "https://docs.nvidia.com/cuda/blackwell-compatibility-guide/index.html",
    "Application Compatibility: cubin X.y runs on X.z with z >= y; PTX JIT to newer GPUs",
)
TORCH_MATRIX = ("https://github.com/pytorch/pytorch/blob/main/RELEASE.md", "PyTorch CUDA Support Matrix")
CUDNN_917 = (
    "https://docs.nvidia.com/deeplearning/cudnn/backend/latest/reference/support-matrix.html",
    "cuDNN 9.17.0 support matrix",
)
CUDNN_895 = (
    "https://docs.nvidia.com/deeplearning/cudnn/archives/cudnn-895/support-matrix/index.html",
    "cuDNN 8.9.5 support matrix",
)
TF_PIP = ("https://www.tensorflow.org/install/pip", "Windows Native: no GPU support after TF 2.10")
LIFECYCLE_620 = (
    "https://docs.nvidia.com/datacenter/tesla/drivers/620/supported-drivers-and-cuda-toolkit-versions.html",
    "CUDA and Drivers: R580 LTSB June 2028, R595 PB March 2027, R620 LTSB September 2029",
)
LIFECYCLE_615 = (
    "https://docs.nvidia.com/datacenter/tesla/drivers/615/supported-drivers-and-cuda-toolkit-versions.html",
    "CUDA and Drivers: R535 LTSB June 2026, R610 NFB August 2026",
)
BULLETIN_5861 = (
    "https://github.com/NVIDIA/product-security/tree/main/2026/5861",
    "GPU Display Driver September 2026: Linux R580 < 580.178.04, R595 < 595.91.07, R610 < 610.57.04,"
    " R615 < 615.71.09; Windows R580 < 582.78, R595 < 596.86, R610 < 610.88, R615 < 616.92",
)


def gpu(name: str = "NVIDIA GeForce RTX 4090", cc: str | None = "8.9", **kw: Any) -> GpuFact:
    return GpuFact(name=name, compute_capability=cc, **kw)


def framework(name: str = "torch", version: str = "2.5.1", cuda: str | None = "12.4", **kw: Any) -> FrameworkFact:
    kw.setdefault("cudnn", None)
    kw.setdefault("arch_list", None)
    return FrameworkFact(name=name, version=version, cuda=cuda, **kw)


def facts(**kw: Any) -> Facts:
    """A healthy Linux machine (RTX 4090, driver 580.178.04, no frameworks) with `kw` changed."""
    base = Facts(
        os="linux",
        nvidia_driver="580.178.04",
        gpus=(gpu(),),
        cuda_toolkit=None,
        cudnn=None,
        frameworks=(),
        system=SystemFacts(True, False, 0, True),
    )
    return replace(base, **kw)


def report(the_facts: Facts) -> DoctorReport:
    return evaluate(the_facts, today=TODAY)


def found(the_facts: Facts, finding_id: str) -> list[Finding]:
    return [f for f in report(the_facts).findings if f.id == finding_id]


def one(the_facts: Facts, finding_id: str) -> Finding:
    findings = found(the_facts, finding_id)
    assert len(findings) == 1, f"expected one {finding_id}, got {findings}"
    return findings[0]
