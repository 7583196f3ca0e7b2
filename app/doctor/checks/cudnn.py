"""cuDNN: built for the toolkit's CUDA major, and supporting each GPU (from the lowest to the
highest compute capability its support matrix lists; Blackwell only in its builds for CUDA 12.8+)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.doctor.checks.common import FRAMEWORK_NAMES, Fix, label, pip_command
from app.doctor.checks.lookups import CudnnMatch, compute_capability, cudnn_release, first_cudnn_for, newest_cudnn_for
from app.doctor.knowledge import Knowledge
from app.doctor.records import Facts, Finding, Status
from app.doctor.versions import Version, parse_version

DOWNLOAD = "https://developer.nvidia.com/cudnn-downloads"


def cudnn_matches_cuda(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    """The system cuDNN against the system toolkit (framework wheels bundle their own)."""
    if facts.cudnn is None or facts.cuda_toolkit is None:
        return []
    cudnn = parse_version(facts.cudnn, "cudnn")
    cuda = parse_version(facts.cuda_toolkit, "cuda_toolkit").major_minor()
    title = f"cuDNN {cudnn} with the CUDA {cuda} toolkit"
    match = cudnn_release(knowledge, cudnn)
    if match is None:
        return [Finding("cudnn.matches_cuda", "skip", title, f"cuDNN {cudnn} is not in the support-matrix table")]
    return [_matches(cudnn, cuda, match, title)]


def _matches(cudnn: Version, cuda: Version, match: CudnnMatch, title: str) -> Finding:
    row = match.row
    spans = ", ".join(f"CUDA {lo}-{hi}" for _, lo, hi in row.cuda_ranges)
    where = f"cuDNN {row.version} matrix: {spans}"
    if not match.same_release:
        where += (
            f"; cuDNN {cudnn} has no row of its own, the {row.version} row of the same minor stands in"
            if match.same_minor
            else f"; cuDNN {cudnn.major}.{cudnn.minor} is not in the table, the nearest older row stands in"
        )
    fix = Fix(f"install the cuDNN build for CUDA {cuda.major}: {DOWNLOAD} (choose CUDA {cuda.major})")
    for major, lo, hi in row.cuda_ranges:
        if major != cuda.major:
            continue
        if lo <= cuda <= hi or not match.same_release:
            return Finding("cudnn.matches_cuda", "pass", title, f"built for CUDA {major}.x ({where})")
        return Finding("cudnn.matches_cuda", "warn", title, f"CUDA {cuda} is outside {lo}-{hi} ({where})", fix.words)
    if match.approximate:
        detail = f"the nearest row has no build for CUDA {cuda.major}.x ({where}): check NVIDIA's matrix for {cudnn}"
        return Finding("cudnn.matches_cuda", "skip", title, detail)
    return Finding("cudnn.matches_cuda", "fail", title, f"no build for CUDA {cuda.major}.x ({where})", fix.words)


@dataclass(frozen=True)
class _CudnnUser:
    """A cuDNN in use: its version, who uses it, which CUDA its build is for, and the finding's subject."""

    version: Version
    owner: str
    build_cuda: Version | None
    subject: str
    python: str | None = None
    framework: str | None = None  # "PyTorch 2.5.1" when the cuDNN is a framework's own


def cudnn_supports_gpus(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    """Each cuDNN in use (the system's and each framework's) against each GPU's compute capability."""
    users: list[_CudnnUser] = []
    if facts.cudnn is not None:
        toolkit = parse_version(facts.cuda_toolkit, "cuda_toolkit") if facts.cuda_toolkit else None
        users.append(_CudnnUser(parse_version(facts.cudnn, "cudnn"), "system cuDNN", toolkit, "cudnn"))
    for index, framework in enumerate(facts.frameworks):
        if framework.cudnn and framework.cuda and framework.error is None:
            users.append(
                _CudnnUser(
                    parse_version(framework.cudnn, f"{label(framework)} cudnn"),
                    label(framework),
                    parse_version(framework.cuda, f"{label(framework)} cuda"),
                    f"frameworks[{index}]",
                    framework.environment,
                    f"{FRAMEWORK_NAMES.get(framework.name, framework.name)} {framework.version}",
                )
            )
    findings = []
    for user in users:
        match = cudnn_release(knowledge, user.version)
        for index, gpu in enumerate(facts.gpus):
            cc, _ = compute_capability(knowledge, gpu)
            title = f"cuDNN {user.version} ({user.owner}) on {gpu.name}"
            finding = _supports(knowledge, facts, user, match, cc, title)
            findings.append(replace(finding, subject=f"{user.subject}/gpus[{index}]"))
    return findings


def _supports(
    knowledge: Knowledge, facts: Facts, user: _CudnnUser, match: CudnnMatch | None, cc: Version | None, title: str
) -> Finding:
    if match is None or cc is None:
        return Finding("cudnn.supports_gpu", "skip", title, "cuDNN release or compute capability not in the tables")
    row = match.row
    highest = row.max_for(user.build_cuda)
    span = f"cuDNN {row.version} matrix: compute capability {row.min_compute_capability} to {highest}"
    if user.build_cuda is not None and any(major == user.build_cuda.major for major, _, _ in row.cuda_ranges):
        span += f" in its build for CUDA {user.build_cuda.major_minor()}"
    if match.approximate:
        span += (
            f"; cuDNN {user.version.major}.{user.version.minor} is not in the table, the nearest older row stands in"
        )
    if row.min_compute_capability <= cc <= highest:
        return Finding("cudnn.supports_gpu", "pass", title, f"compute capability {cc} is supported ({span})")
    if cc < row.min_compute_capability:
        status: Status = "warn" if match.approximate else "fail"
        detail = (
            f"compute capability {cc} < {row.min_compute_capability}, the lowest cuDNN {row.version} supports ({span})"
        )
        fix = _older_cudnn_fix(knowledge, facts, user, cc)
        return Finding("cudnn.supports_gpu", status, title, detail, fix.words, fix.command)
    return _above_highest(knowledge, user, match, cc, highest, span, title)


def _above_highest(
    knowledge: Knowledge, user: _CudnnUser, match: CudnnMatch, cc: Version, highest: Version, span: str, title: str
) -> Finding:
    """A GPU newer than the matrix lists: supported only by another build of the same release, or
    not at all (cuDNN 9 runs a subset of operation graphs on GPUs newer than it knows: a warning)."""
    row = match.row
    anywhere, needs_cuda = row.highest_anywhere()
    if cc <= anywhere and needs_cuda is not None:
        if user.build_cuda is None:
            detail = (
                f"compute capability {cc} is supported only by cuDNN {row.version}'s builds for CUDA {needs_cuda} and"
                f" newer, and which build this is is not known ({span})"
            )
            return Finding(
                "cudnn.supports_gpu",
                "warn",
                title,
                detail,
                f"use cuDNN {row.version} built for CUDA {needs_cuda} or newer: {DOWNLOAD}",
            )
        detail = (
            f"compute capability {cc} > {highest}, the highest of cuDNN {row.version}'s build for CUDA"
            f" {user.build_cuda.major_minor()}; only its builds for CUDA {needs_cuda} and newer support it ({span})"
        )
        status: Status = "warn" if match.approximate else "fail"
        return Finding("cudnn.supports_gpu", status, title, detail, _newer_words(user, needs_cuda))
    first = first_cudnn_for(knowledge, cc)
    forward = user.version.major >= 9
    detail = f"compute capability {cc} > {highest}, the highest cuDNN {row.version} supports ({span})"
    if forward:
        detail += "; from cuDNN 9.0 a subset of operation graphs also runs on newer GPUs (forward compatibility)"
    status = "warn" if forward or match.approximate else "fail"
    if first is None:
        words = f"use a newer cuDNN: {DOWNLOAD}"
    else:
        needs = first.highest_anywhere()[1]
        words = f"use cuDNN {first.version} or newer" + (f", built for CUDA {needs} or newer" if needs else "")
    if user.framework is not None:
        words += f" (it comes with {user.framework}: install a build of it that bundles one)"
    return Finding("cudnn.supports_gpu", status, title, detail, words)


def _newer_words(user: _CudnnUser, needs_cuda: Version) -> str:
    if user.framework is None:
        return f"install the cuDNN build for CUDA {needs_cuda} or newer, with a CUDA {needs_cuda}+ toolkit: {DOWNLOAD}"
    return (
        f"install a build of {user.framework} for CUDA {needs_cuda} or newer, which bundles a cuDNN"
        " that supports this GPU (see the architecture finding for the command)"
    )


def _older_cudnn_fix(knowledge: Knowledge, facts: Facts, user: _CudnnUser, cc: Version) -> Fix:
    """The newest cuDNN that still supports an old GPU, as a pip package where the CUDA major is known."""
    newest = newest_cudnn_for(knowledge, cc)
    if newest is None:
        return Fix(f"no cuDNN in the table supports compute capability {cc}")
    limit = f"{newest.version.major}.{newest.version.minor + 1}"
    words = (
        f"use cuDNN {newest.version.major}.{newest.version.minor} or older, the last to support compute capability {cc}"
    )
    if user.framework is not None:
        return Fix(f"{words}, through a build of {user.framework} that bundles it")
    if user.build_cuda is None:
        return Fix(f"{words}: {DOWNLOAD}")
    package = f"nvidia-cudnn-cu{user.build_cuda.major}"
    return Fix(
        f"{words}: as a pip package for CUDA {user.build_cuda.major}, or from {DOWNLOAD}",
        pip_command(user.python, facts.os, "install", f'"{package}<{limit}"'),
    )
