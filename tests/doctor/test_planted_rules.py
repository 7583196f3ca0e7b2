"""Cases that kill planted bugs the other doctor tests let through (mutation testing, issue 8):
the edges of each comparison (equal is the interesting case), taken from the published tables the
helpers cite, or worked by hand where the rule is arithmetic."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.doctor.checks.lookups import best_torch_wheel, compute_capability, coverage, cudnn_release
from app.doctor.knowledge import default_knowledge
from app.doctor.records import Finding, overall_of
from app.doctor.versions import parse_compute_capability, parse_version
from tests.doctor.helpers import (
    BLACKWELL_GUIDE,
    CUDA12_DROPS,
    CUDA13_NOTES,
    CUDA_DRIVER_TABLE,
    CUDNN_895,
    CUDNN_917,
    GPU_TABLE,
    MINOR_COMPAT_TABLE,
    TF_PIP,
    TORCH_MATRIX,
    facts,
    framework,
    gpu,
    one,
)


def test_ptx_for_exactly_the_gpus_compute_capability_is_covered() -> None:
    # compute_90 PTX is JIT-compiled for any GPU of compute capability >= 9.0, 9.0 itself included
    # (Blackwell compatibility guide, "Application Compatibility").
    assert coverage(("sm_75", "compute_90"), parse_compute_capability("9.0")) == "ptx", BLACKWELL_GUIDE
    the_facts = facts(
        gpus=(gpu("GPU", "9.0"),), frameworks=(framework(cuda="12.8", arch_list=("sm_75", "compute_90")),)
    )
    assert one(the_facts, "gpu.arch_in_build").status == "info"


def test_the_longest_product_name_wins_whatever_the_table_order() -> None:
    # "NVIDIA A100-SXM4-80GB" contains both "A10" (8.6) and "A100" (8.0) (developer.nvidia.com/cuda-gpus):
    # the more specific name decides, even when the shorter one comes first in the table.
    knowledge = default_knowledge()
    a10 = next(p for p in knowledge.products if p.name_contains == "A10")
    a100 = next(p for p in knowledge.products if p.name_contains == "A100")
    for products in ((a10, a100), (a100, a10)):
        cc, _ = compute_capability(replace(knowledge, products=products), gpu("NVIDIA A100-SXM4-80GB", None))
        assert cc == parse_compute_capability("8.0"), GPU_TABLE


def test_a_stable_wheel_is_offered_before_a_newer_experimental_one() -> None:
    # PyTorch 2.13: cu126 and cu130 stable, cu132 experimental (RELEASE.md support matrix).
    knowledge = default_knowledge()
    release = next(r for r in knowledge.pytorch if str(r.version) == "2.13")
    only_2_13 = replace(knowledge, pytorch=(release,))
    wheel = best_torch_wheel(only_2_13, [parse_compute_capability("8.9")], None, "linux")
    assert wheel is not None and wheel.variant.tag == "cu130", TORCH_MATRIX


def test_a_gpu_covered_only_by_ptx_needs_the_wheels_full_toolkit_driver() -> None:
    # A future compute capability 13.0 GPU runs the cu130/cu132 wheels only through their compute_120 PTX,
    # which the driver JIT-compiles: that needs the toolkit's own driver (CUDA 13.2: 595, CUDA 13.0:
    # 580.65.06 on Linux; CUDA release notes table), not minor-version compatibility (>= 580).
    future = [parse_compute_capability("13.0")]
    wheel = best_torch_wheel(default_knowledge(), future, parse_version("580.65.06"), "linux")
    assert wheel is not None and wheel.variant.tag == "cu130", (CUDA_DRIVER_TABLE, BLACKWELL_GUIDE)
    wheel = best_torch_wheel(default_knowledge(), future, parse_version("595.58.03"), "linux")
    assert wheel is not None and wheel.variant.tag == "cu132", CUDA_DRIVER_TABLE


def test_a_cudnn_major_missing_from_the_matrix_is_skipped() -> None:
    # The matrix has cuDNN 7.6 to 9.17: a cuDNN 10 is not judged by the 9.x rows.
    assert cudnn_release(default_knowledge(), parse_version("10.0.0")) is None
    finding = one(facts(cudnn="10.0.0", cuda_toolkit="13.0"), "cudnn.matches_cuda")
    assert finding.status == "skip", CUDNN_917


def test_an_official_wheel_covering_a_gpu_only_by_ptx_needs_the_full_driver() -> None:
    # No arch list reported: the official PyTorch 2.12 cu132 wheel's list (RELEASE.md) ends in compute_120,
    # so a future compute capability 13.0 GPU needs the driver to JIT that PTX, which takes CUDA 13.2's own
    # driver (595, CUDA release notes table); 580.95.05 is only minor-version compatible (>= 580).
    build = framework(version="2.12.0", cuda="13.2", arch_list=None)
    the_facts = facts(nvidia_driver="580.95.05", gpus=(gpu("Future GPU", "13.0"),), frameworks=(build,))
    finding = one(the_facts, "driver.for_framework")
    assert finding.status == "fail" and "PTX" in finding.detail, (TORCH_MATRIX, CUDA_DRIVER_TABLE)


@pytest.mark.parametrize(
    ("statuses", "overall"),
    [
        (("pass", "info", "skip"), "pass"),  # info and skip never fail or warn a machine
        (("info",), "pass"),
        (("skip", "skip"), "pass"),
        (("pass", "skip", "warn"), "warn"),
        (("info", "warn", "fail", "skip"), "fail"),
    ],
)
def test_the_overall_counts_only_warn_and_fail(statuses, overall) -> None:
    findings = tuple(Finding("x.y", status, "t", "d") for status in statuses)
    assert overall_of(findings) == overall


def test_tensorflow_runs_on_exactly_compute_capability_3_5() -> None:
    # "CUDA-enabled cards with compute capability 3.5 or higher" (tensorflow.org/install/pip); a Tesla K40
    # is 3.5 (developer.nvidia.com/cuda-gpus) and CUDA 11.2 still builds Kepler 3.5 (CUDA 12.0 dropped it).
    the_facts = facts(gpus=(gpu("Tesla K40m", "3.5"),), frameworks=(framework("tensorflow", "2.11.0", "11.2"),))
    assert one(the_facts, "gpu.arch_in_build").status == "pass", (TF_PIP, GPU_TABLE, CUDA12_DROPS)


def test_no_other_wheel_is_offered_when_the_best_one_is_the_installed_cuda() -> None:
    # PyTorch 2.14 cu132 (stable, RELEASE.md) on 580.95.05: runs under minor-version compatibility (13.x >= 580),
    # and the best wheel for this driver is cu132 itself, so the fix only says which driver gives full features.
    build = framework(version="2.14.0", cuda="13.2", arch_list=None)
    finding = one(facts(nvidia_driver="580.95.05", frameworks=(build,)), "driver.for_framework")
    assert finding.status == "info"
    assert "keep the driver" not in (finding.fix or ""), (TORCH_MATRIX, CUDA13_NOTES)


def test_the_driver_fix_for_a_framework_names_the_minor_version_minimum() -> None:
    # A CUDA 12.4 build runs on any driver >= 525.60.13 (Linux, minor-version compatibility table), so a
    # machine on 470.82.01 needs at least that, not 12.4's own 550.54.14.
    build = framework(name="tensorflow", version="2.18.0", cuda="12.4")
    finding = one(facts(nvidia_driver="470.82.01", frameworks=(build,)), "driver.for_framework")
    assert finding.status == "fail" and "install NVIDIA driver 525.60.13 or newer" in (finding.fix or ""), (
        MINOR_COMPAT_TABLE
    )


def test_cudnn_spans_are_listed_newest_cuda_major_first() -> None:
    # cuDNN 9.17.0 support matrix: CUDA 13.0-13.1 and CUDA 12.0-12.9 builds.
    finding = one(facts(cudnn="9.17.0", cuda_toolkit="12.8"), "cudnn.matches_cuda")
    assert finding.status == "pass" and "CUDA 13.0-13.1, CUDA 12.0-12.9" in finding.detail, CUDNN_917


def test_a_reported_empty_arch_list_is_not_replaced_by_the_official_wheels() -> None:
    # The facts reader keeps [] only when CUDA is available (a build with no kernels compiled in); the
    # official 2.5.1 cu124 wheel's list must not stand in for what the build itself reported.
    build = framework(version="2.5.1", cuda="12.4", arch_list=(), cuda_available=True)
    finding = one(facts(frameworks=(build,)), "gpu.arch_in_build")
    assert finding.status == "fail" and "reported arch list" in finding.detail


def test_cudnn_at_the_lowest_cuda_of_its_matrix_passes() -> None:
    # cuDNN 8.9.5 support matrix: CUDA 12.0-12.2 and 11.0-11.8, both ends included.
    for toolkit in ("12.0", "11.0"):
        assert one(facts(cudnn="8.9.5", cuda_toolkit=toolkit), "cudnn.matches_cuda").status == "pass", CUDNN_895
