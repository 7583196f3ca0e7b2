"""cuDNN: built for the toolkit's CUDA major, and supporting each GPU."""

from __future__ import annotations

from app.doctor.checks.common import label
from app.doctor.checks.lookups import compute_capability, cudnn_release
from app.doctor.knowledge import CudnnRelease, Knowledge
from app.doctor.records import Facts, Finding
from app.doctor.versions import Version, parse_version

_DOWNLOAD = "https://developer.nvidia.com/cudnn-downloads"


def cudnn_matches_cuda(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    """The system cuDNN against the system toolkit (framework wheels bundle their own)."""
    if facts.cudnn is None or facts.cuda_toolkit is None:
        return []
    cudnn = parse_version(facts.cudnn, "cudnn")
    cuda = parse_version(facts.cuda_toolkit, "cuda_toolkit").major_minor()
    title = f"cuDNN {cudnn} with the CUDA {cuda} toolkit"
    row = cudnn_release(knowledge, cudnn)
    if row is None:
        return [Finding("cudnn.matches_cuda", "skip", title, f"cuDNN {cudnn} is not in the support-matrix table")]
    spans = ", ".join(f"CUDA {lo}-{hi}" for _, lo, hi in row.cuda_ranges)
    where = f"cuDNN {row.version} matrix: {spans}"
    fix = f"install the cuDNN build for CUDA {cuda.major} (pip install nvidia-cudnn-cu{cuda.major}, or {_DOWNLOAD})"
    exact = row.version.major_minor() == cudnn.major_minor()
    for major, lo, hi in row.cuda_ranges:
        if major == cuda.major and not exact:
            return [
                Finding(
                    "cudnn.matches_cuda",
                    "pass",
                    title,
                    f"built for CUDA {major}.x ({where}; cuDNN {cudnn} itself is not in the table: only the major"
                    " is checked)",
                )
            ]
        if major == cuda.major and lo <= cuda <= hi:
            return [Finding("cudnn.matches_cuda", "pass", title, where)]
        if major == cuda.major:
            return [Finding("cudnn.matches_cuda", "warn", title, f"CUDA {cuda} is outside {lo}-{hi} ({where})", fix)]
    return [Finding("cudnn.matches_cuda", "fail", title, f"no build for CUDA {cuda.major}.x ({where})", fix)]


def cudnn_supports_gpus(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    """Each cuDNN in use (the system's and each framework's) against each GPU's compute capability."""
    users: list[tuple[str, str]] = []
    if facts.cudnn is not None:
        users.append((facts.cudnn, "system cuDNN"))
    users += [(f.cudnn, label(f)) for f in facts.frameworks if f.cudnn and f.cuda and f.error is None]
    findings = []
    for text, owner in users:
        cudnn = parse_version(text, f"{owner} cudnn")
        row = cudnn_release(knowledge, cudnn)
        for gpu in facts.gpus:
            cc, _ = compute_capability(knowledge, gpu)
            findings.append(_supports(cudnn, owner, row, gpu.name, cc))
    return findings


def _supports(cudnn: Version, owner: str, row: CudnnRelease | None, gpu: str, cc: Version | None) -> Finding:
    title = f"cuDNN {cudnn} ({owner}) on {gpu}"
    if row is None or cc is None:
        return Finding("cudnn.supports_gpu", "skip", title, "cuDNN release or compute capability not in the tables")
    if cc >= row.min_compute_capability:
        return Finding(
            "cudnn.supports_gpu",
            "pass",
            title,
            f"compute capability {cc} >= {row.min_compute_capability} (cuDNN {row.version} matrix)",
        )
    return Finding(
        "cudnn.supports_gpu",
        "fail",
        title,
        f"compute capability {cc} < {row.min_compute_capability}, the lowest cuDNN {row.version} supports"
        f" ({row.cited.table})",
        "use cuDNN 9.10 or older for Maxwell, Pascal and Volta (pip install 'nvidia-cudnn-cu12<9.11'), or a"
        " framework build that bundles it",
    )
