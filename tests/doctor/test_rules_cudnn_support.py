"""cuDNN against the toolkit and the GPUs, with the support-matrix rows of NVIDIA's own pages:
a release uses the row of its own minor (8.9.2 is not checked against 8.5.0's matrix), a minor
the table lacks warns or skips instead of failing, and a GPU above the highest compute
capability a build lists is flagged (Blackwell only in the builds for CUDA 12.8 and newer)."""

from __future__ import annotations

import pytest

from app.doctor.checks.lookups import cudnn_release
from app.doctor.knowledge import default_knowledge
from app.doctor.versions import parse_version
from tests.doctor.helpers import facts, found, framework, gpu, one

K = default_knowledge()
RTX_4090 = gpu("NVIDIA GeForce RTX 4090", "8.9")
RTX_5090 = gpu("NVIDIA GeForce RTX 5090", "12.0")
# cuDNN 8.9.1 matrix (docs.nvidia.com/deeplearning/cudnn/archives/cudnn-891/support-matrix): for CUDA 12.x
# 12.0-12.1, for 11.x 11.0-11.8, compute capability 5.0 to 9.0. 8.9.2 has the same CUDA 12 range
# (Anaconda's cudnn-8.9.2.26-cuda12_0 depends on cuda-version >=12,<=12.1).
CUDNN_891 = "https://docs.nvidia.com/deeplearning/cudnn/archives/cudnn-891/support-matrix/index.html"
# cuDNN 9.0.0 / 9.5.0 matrices: compute capability 5.0 to 9.0; 9.10.2's adds 10.0 and 12.0 in its builds for
# CUDA 12.8 and 12.9 only (docs.nvidia.com/deeplearning/cudnn/backend/v9.10.2/reference/support-matrix.html).
CUDNN_900 = "https://docs.nvidia.com/deeplearning/cudnn/backend/v9.0.0/reference/support-matrix.html"
CUDNN_9102 = "https://docs.nvidia.com/deeplearning/cudnn/backend/v9.10.2/reference/support-matrix.html"


def test_the_issues_own_example_machine_has_no_cudnn_failure() -> None:
    """RTX 4090, toolkit 12.1, cuDNN 8.9.2, torch 2.1.2 cu121: every cuDNN check passes."""
    torch = framework(version="2.1.2", cuda="12.1", cudnn="8.9.2")
    the_facts = facts(nvidia_driver="535.104.05", cuda_toolkit="12.1", cudnn="8.9.2", frameworks=(torch,))
    matches = one(the_facts, "cudnn.matches_cuda")
    assert matches.status == "pass" and "cuDNN 8.9.2 matrix: CUDA 12.0-12.1" in matches.detail, CUDNN_891
    supports = found(the_facts, "cudnn.supports_gpu")
    assert [f.status for f in supports] == ["pass", "pass"], CUDNN_891
    assert all("5.0 to 9.0" in f.detail for f in supports)


@pytest.mark.parametrize(
    ("version", "row", "same_minor"),
    [
        ("8.9.2", "8.9.2", True),
        ("8.9.3", "8.9.2", True),  # a patch release without a row of its own: its minor's row below it
        ("8.9.0", "8.9.0", True),
        ("8.6.0", "8.6.0", True),
        ("9.1.1", "9.1.0", True),
        ("9.7.1", "9.7.0", True),
        ("9.13.0", "9.11.0", False),  # no 9.13 row: the nearest older row stands in, approximately
        ("8.1.0", "8.0.2", False),
    ],
)
def test_a_release_uses_the_row_of_its_own_minor(version: str, row: str, same_minor: bool) -> None:
    match = cudnn_release(K, parse_version(version))
    assert match is not None and str(match.row.version) == row and match.same_minor is same_minor


def test_a_minor_without_a_row_never_fails_on_what_the_nearest_row_lacks() -> None:
    # cuDNN 9.13 is not in the table; the 9.11.0 row stands in and has no CUDA 13 build: unknown, not a failure
    finding = one(facts(cuda_toolkit="13.0", cudnn="9.13.0"), "cudnn.matches_cuda")
    assert finding.status == "skip" and "9.13" in finding.detail


@pytest.mark.parametrize(
    ("cudnn", "cuda", "the_gpu", "status", "source"),
    [
        ("9.1.0", "12.4", RTX_5090, "warn", CUDNN_900),  # 12.0 > 9.0; cuDNN 9 forward-compatible subset only
        ("9.10.2", "12.8", RTX_5090, "pass", CUDNN_9102),  # the 12.8 build lists 12.0
        ("9.10.2", "12.6", RTX_5090, "fail", CUDNN_9102),  # only the 12.8+ builds list 12.0
        ("8.9.7", "12.2", RTX_5090, "fail", CUDNN_891),  # cuDNN 8 tops out at 9.0 and has no forward compatibility
        ("9.10.2", "12.6", RTX_4090, "pass", CUDNN_9102),
        ("9.17.0", "13.0", gpu("Tesla V100-SXM2-16GB", "7.0"), "fail", CUDNN_9102),  # 9.17: 7.5 and up
    ],
)
def test_a_frameworks_cudnn_is_checked_against_the_highest_compute_capability_of_its_build(
    cudnn: str, cuda: str, the_gpu, status: str, source: str
) -> None:
    torch = framework(version="2.7.0", cuda=cuda, cudnn=cudnn, arch_list=("sm_80",))
    finding = one(facts(gpus=(the_gpu,), frameworks=(torch,)), "cudnn.supports_gpu")
    assert finding.status == status, (finding, source)


def test_a_system_cudnn_of_unknown_build_is_a_warning_for_a_gpu_only_its_newer_builds_list() -> None:
    finding = one(facts(gpus=(RTX_5090,), cudnn="9.10.2"), "cudnn.supports_gpu")
    assert finding.status == "warn" and "CUDA 12.8" in finding.detail, CUDNN_9102


def test_an_old_gpu_is_told_the_last_cudnn_that_supports_it() -> None:
    # 9.10.2 is the newest row with compute capability 7.0 (9.11 and 9.17 start at 7.5)
    torch = framework(version="2.11.0", cuda="12.6", cudnn="9.17.0", arch_list=("sm_70",))
    finding = one(facts(gpus=(gpu("Tesla V100-SXM2-16GB", "7.0"),), frameworks=(torch,)), "cudnn.supports_gpu")
    assert finding.status == "fail" and "cuDNN 9.10 or older" in (finding.fix or "")
