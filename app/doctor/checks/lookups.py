"""Questions the checks ask the knowledge tables: which driver a CUDA release needs, which
architectures a build carries, whether a toolkit can build for a GPU, which wheel fits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.doctor.checks.common import pip_command
from app.doctor.knowledge import (
    Architecture,
    CudnnRelease,
    Knowledge,
    MinorCompat,
    TfRelease,
    ToolkitDriver,
    TorchCompanions,
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


@dataclass(frozen=True)
class CudnnMatch:
    """The support-matrix row a cuDNN release is checked against, and how closely it fits."""

    row: CudnnRelease
    same_minor: bool  # the row is of this release's major.minor (a patch release shares the matrix)
    same_release: bool  # the row is this very release

    @property
    def approximate(self) -> bool:
        """No row of this minor: the nearest older row stands in, so a mismatch is a warning, not a failure."""
        return not self.same_minor


def cudnn_release(knowledge: Knowledge, version: Version) -> CudnnMatch | None:
    """The row of `version`'s own major.minor (the newest at or below it, else the one above it:
    8.9.3 -> 8.9.2, 8.9.4 -> 8.9.5 when those are the rows); without one, the nearest older row
    of the same major, marked approximate; None when the table has nothing at or below it."""
    same_major = [row for row in knowledge.cudnn if row.version.major == version.major]
    same_minor = [row for row in same_major if row.version.major_minor() == version.major_minor()]
    if same_minor:
        below = [row for row in same_minor if row.version <= version]
        row = max(below, key=lambda r: r.version) if below else min(same_minor, key=lambda r: r.version)
        return CudnnMatch(row, same_minor=True, same_release=row.version == version)
    older = [row for row in same_major if row.version < version]
    if not older:
        return None
    return CudnnMatch(max(older, key=lambda r: r.version), same_minor=False, same_release=False)


def newest_cudnn_for(knowledge: Knowledge, cc: Version) -> CudnnRelease | None:
    """The newest cuDNN row that still supports compute capability `cc` in some build."""
    fitting = [row for row in knowledge.cudnn if row.min_compute_capability <= cc <= row.highest_anywhere()[0]]
    return max(fitting, key=lambda row: row.version) if fitting else None


def first_cudnn_for(knowledge: Knowledge, cc: Version) -> CudnnRelease | None:
    """The oldest cuDNN row whose builds support compute capability `cc`."""
    fitting = [row for row in knowledge.cudnn if row.min_compute_capability <= cc <= row.highest_anywhere()[0]]
    return min(fitting, key=lambda row: row.version) if fitting else None


COMPANIONS = ("torchvision", "torchaudio")


@dataclass(frozen=True)
class Wheel:
    """An official PyTorch wheel that fits this machine, and the torchvision/torchaudio built for it."""

    release: TorchRelease
    variant: TorchVariant
    companions: TorchCompanions | None = None

    def requirements(self, installed: tuple[str, ...]) -> list[str]:
        """ "torch==2.8.*" and, for each of `installed` (torchvision, torchaudio), the release built for it."""
        specs = [f'"torch=={self.release.version}.*"']
        for name in installed:
            specs.append(f'"{self._companion_spec(name)}"')
        return specs

    def _companion_spec(self, name: str) -> str:
        row = self.companions
        if row is None:
            return name  # its wheels pin torch exactly, so pip picks the one for this torch
        if name == "torchvision":
            return f"torchvision=={row.torchvision}.*"
        return f"torchaudio>={row.torchaudio}" if row.torchaudio_any_newer_torch else f"torchaudio=={row.torchaudio}.*"

    def command_for(self, framework: FrameworkFact | None, os_name: str) -> str:
        """The pip command for `framework`'s environment: torch and whichever companions it has installed."""
        installed = tuple(name for name, _ in (framework.companions or ())) if framework else ()
        installed = tuple(name for name in COMPANIONS if name in installed)
        python = framework.environment if framework else None
        return pip_command(
            python,
            os_name,
            "install",
            "--force-reinstall",
            *self.requirements(installed),
            "--index-url",
            f"https://download.pytorch.org/whl/{self.variant.tag}",
        )

    def note_for(self, framework: FrameworkFact | None) -> str:
        """What the command does about torchvision and torchaudio, in words."""
        known = framework.companions if framework else None
        if known is None:
            specs = ", ".join(self._companion_spec(name) for name in COMPANIONS)
            return (
                f"if torchvision or torchaudio are installed, add them to the command ({specs}): they are built"
                " for one torch and break when it changes"
            )
        if not known:
            return "torchvision and torchaudio are not installed there"
        return "the command also reinstalls " + " and ".join(name for name, _ in known) + ", built for that torch"


def companions_of(knowledge: Knowledge, release: TorchRelease) -> TorchCompanions | None:
    return next((row for row in knowledge.pytorch_companions if row.torch == release.version.major_minor()), None)


def best_torch_wheel(knowledge: Knowledge, ccs: list[Version], driver: Version | None, os_name: str) -> Wheel | None:
    """The newest release's newest wheel (stable first) that carries code for every GPU and runs on the driver."""
    for release in sorted(knowledge.pytorch, key=lambda r: r.version, reverse=True):
        variants = sorted(release.variants, key=lambda v: (v.stable, v.cuda), reverse=True)
        for variant in variants:
            covered = [coverage(variant.arch_list, cc) for cc in ccs]
            if None in covered:
                continue
            if driver is None or _runs_on(knowledge, variant.cuda, driver, os_name, needs_jit="ptx" in covered):
                return Wheel(release, variant, companions_of(knowledge, release))
    return None


def _runs_on(knowledge: Knowledge, cuda: Version, driver: Version, os_name: str, needs_jit: bool) -> bool:
    family = minor_compat(knowledge, cuda)
    full = toolkit_driver(knowledge, cuda)
    if needs_jit or family is None:
        return full is not None and driver >= driver_for(os_name, full)
    return driver >= driver_for(os_name, family)
