"""Questions the checks ask the knowledge tables: which driver a CUDA release needs, which
architectures a build carries, whether a toolkit can build for a GPU, which wheel fits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.doctor.knowledge import (
    Architecture,
    CudnnRelease,
    Knowledge,
    MinorCompat,
    TfRelease,
    ToolkitDriver,
    TorchRelease,
    TorchVariant,
)
from app.doctor.records import FrameworkFact, GpuFact
from app.doctor.versions import Version, parse_compute_capability, parse_version

Coverage = Literal["sass", "ptx"] | None


def toolkit_driver(knowledge: Knowledge, cuda: Version) -> ToolkitDriver | None:
    """The release row for `cuda` (12.4 -> 12.4 GA, 12.4.1 -> Update 1); None for a release not in the table."""
    same = [
        row for row in knowledge.toolkit_drivers if row.cuda.major_minor() == cuda.major_minor() and row.cuda <= cuda
    ]
    return max(same, key=lambda row: row.cuda) if same else None


def minor_compat(knowledge: Knowledge, cuda: Version) -> MinorCompat | None:
    """The minor-version-compatibility minimum for `cuda`'s major (None before CUDA 11.1)."""
    for row in knowledge.minor_compat:
        if row.cuda_major == cuda.major and cuda.major_minor() >= row.from_cuda:
            return row
    return None


def driver_for(os_name: str, row: ToolkitDriver | MinorCompat) -> Version:
    return row.windows_min_driver if os_name == "windows" else row.linux_min_driver


def architecture_of(knowledge: Knowledge, cc: Version) -> Architecture | None:
    for arch in knowledge.architectures:
        if cc in arch.compute_capabilities:
            return arch
    return None


def compute_capability(knowledge: Knowledge, gpu: GpuFact) -> tuple[Version | None, str]:
    """The GPU's compute capability from the facts, else from its name in the products table."""
    if gpu.compute_capability is not None:
        return parse_compute_capability(gpu.compute_capability, f"{gpu.name} compute_capability"), "reported"
    matches = [p for p in knowledge.products if p.name_contains.lower() in gpu.name.lower()]
    if not matches:
        return None, "not reported and not in the products table"
    best = max(matches, key=lambda p: len(p.name_contains))
    return best.compute_capability, f"from the products table ({best.cited.source})"


def coverage(arch_list: tuple[str, ...], cc: Version) -> Coverage:
    """SASS for the same major and an equal or lower minor, else PTX (compute_XY) at or below the CC."""
    sass = ptx = False
    for entry in arch_list:
        kind, _, digits = entry.partition("_")
        if digits.endswith("a"):  # sm_90a: runs only on exactly that compute capability
            sass |= kind == "sm" and digits[:-1] == f"{cc.major}{cc.minor}"
            continue
        if not digits.isdigit():
            continue
        major, minor = int(digits[:-1]), int(digits[-1])
        if kind == "sm" and major == cc.major and minor <= cc.minor:
            sass = True
        if kind == "compute" and (major, minor) <= (cc.major, cc.minor):
            ptx = True
    return "sass" if sass else "ptx" if ptx else None


def cuda_builds_for(arch: Architecture, cuda: Version) -> bool:
    """Whether nvcc of this CUDA release can build SASS for the architecture."""
    release = cuda.major_minor()
    return arch.first_cuda <= release and (arch.last_cuda is None or release <= arch.last_cuda)


def torch_release(knowledge: Knowledge, version: Version) -> TorchRelease | None:
    for release in knowledge.pytorch:
        if release.version.major_minor() == version.major_minor():
            return release
    return None


def torch_variant(knowledge: Knowledge, framework: FrameworkFact) -> tuple[TorchRelease, TorchVariant] | None:
    """The official wheel a torch fact is (version and CUDA), when the tables know it."""
    if framework.cuda is None:
        return None
    release = torch_release(knowledge, parse_version(framework.version, f"{framework.name} version"))
    cuda = parse_version(framework.cuda, f"{framework.name} cuda").major_minor()
    if release is None:
        return None
    for variant in release.variants:
        if variant.cuda == cuda:
            return release, variant
    return None


def tf_release(knowledge: Knowledge, version: Version) -> TfRelease | None:
    for release in knowledge.tensorflow:
        if release.version.major_minor() == version.major_minor():
            return release
    return None


def cudnn_release(knowledge: Knowledge, version: Version) -> CudnnRelease | None:
    """The newest support-matrix row at or below `version` (9.1.0 -> the 9.0.0 matrix)."""
    rows = [row for row in knowledge.cudnn if row.version <= version and row.version.major == version.major]
    return max(rows, key=lambda row: row.version) if rows else None


@dataclass(frozen=True)
class Wheel:
    """An official PyTorch wheel that fits this machine."""

    release: TorchRelease
    variant: TorchVariant

    def command(self, python: str | None) -> str:
        pip = f'"{python}" -m pip' if python else "pip"
        return (
            f"{pip} install --force-reinstall 'torch=={self.release.version}.*' "
            f"--index-url https://download.pytorch.org/whl/{self.variant.tag}"
        )


def best_torch_wheel(knowledge: Knowledge, ccs: list[Version], driver: Version | None, os_name: str) -> Wheel | None:
    """The newest release's newest wheel (stable first) that carries code for every GPU and runs on the driver."""
    for release in sorted(knowledge.pytorch, key=lambda r: r.version, reverse=True):
        variants = sorted(release.variants, key=lambda v: (v.stable, v.cuda), reverse=True)
        for variant in variants:
            covered = [coverage(variant.arch_list, cc) for cc in ccs]
            if None in covered:
                continue
            if driver is None or _runs_on(knowledge, variant.cuda, driver, os_name, needs_jit="ptx" in covered):
                return Wheel(release, variant)
    return None


def _runs_on(knowledge: Knowledge, cuda: Version, driver: Version, os_name: str, needs_jit: bool) -> bool:
    family = minor_compat(knowledge, cuda)
    full = toolkit_driver(knowledge, cuda)
    if needs_jit or family is None:
        return full is not None and driver >= driver_for(os_name, full)
    return driver >= driver_for(os_name, family)
