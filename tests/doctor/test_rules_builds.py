"""Framework builds: kernels for each GPU (SASS of the same major and a lower or equal minor, or
PTX at or below the GPU), the official builds' arch lists, CPU-only builds, TensorFlow on
native Windows, cuda_available, and the toolkit's own architecture range."""

from __future__ import annotations

import pytest

from tests.doctor.helpers import (
    BLACKWELL_GUIDE,
    CUDA12_DROPS,
    CUDA13_DROPS,
    GPU_TABLE,
    TF_PIP,
    TORCH_MATRIX,
    facts,
    found,
    framework,
    gpu,
    one,
)


@pytest.mark.parametrize(
    ("cc", "arch_list", "status", "source"),
    [
        ("8.9", ("sm_80", "sm_86"), "pass", BLACKWELL_GUIDE),  # 8.6 cubin runs on 8.9
        ("8.6", ("sm_80", "sm_89"), "pass", BLACKWELL_GUIDE),  # 8.0 cubin runs on 8.6
        ("8.6", ("sm_89",), "fail", BLACKWELL_GUIDE),  # a higher minor never runs on a lower one
        ("9.0", ("sm_80", "sm_86", "sm_89"), "fail", BLACKWELL_GUIDE),  # cubins never cross majors
        ("12.0", ("sm_80", "sm_90", "compute_90"), "info", BLACKWELL_GUIDE),  # PTX JIT forward
        ("8.6", ("sm_75", "compute_89"), "fail", BLACKWELL_GUIDE),  # PTX above the GPU cannot be compiled for it
        ("9.0", ("sm_80", "sm_90a"), "pass", BLACKWELL_GUIDE),  # sm_90a runs on exactly 9.0
        ("10.0", ("sm_80", "sm_90a"), "fail", BLACKWELL_GUIDE),
    ],
)
def test_reported_arch_list_against_the_gpu(cc, arch_list, status, source) -> None:
    the_facts = facts(gpus=(gpu("GPU", cc),), frameworks=(framework(cuda="12.8", arch_list=arch_list),))
    finding = one(the_facts, "gpu.arch_in_build")
    assert finding.status == status, (finding, source)
    assert cc in finding.detail


@pytest.mark.parametrize(
    ("gpu_name", "cc", "version", "cuda", "status", "source"),
    [
        ("NVIDIA GeForce GTX 1080 Ti", "6.1", "2.8.0", "12.8", "fail", TORCH_MATRIX),  # cu128 from 2.8: no Pascal
        ("NVIDIA GeForce GTX 1080 Ti", "6.1", "2.8.0", "12.6", "pass", TORCH_MATRIX),  # cu126 keeps Pascal
        ("Tesla V100-SXM2-16GB", "7.0", "2.10.0", "12.8", "pass", TORCH_MATRIX),
        ("Tesla V100-SXM2-16GB", "7.0", "2.11.0", "12.8", "fail", TORCH_MATRIX),  # cu128 in 2.11 drops Volta
        ("NVIDIA GeForce RTX 5090", "12.0", "2.6.0", "12.4", "fail", TORCH_MATRIX),  # Blackwell needs cu128+
        ("NVIDIA GeForce RTX 5090", "12.0", "2.7.0", "12.8", "pass", TORCH_MATRIX),
        ("NVIDIA GeForce RTX 4090", "8.9", "2.5.1+cu124", "12.4", "pass", TORCH_MATRIX),
    ],
)
def test_unknown_arch_list_uses_the_official_pytorch_build(gpu_name, cc, version, cuda, status, source) -> None:
    the_facts = facts(gpus=(gpu(gpu_name, cc),), frameworks=(framework(version=version, cuda=cuda, arch_list=None),))
    finding = one(the_facts, "gpu.arch_in_build")
    assert finding.status == status, (finding, source)
    assert "official" in finding.detail


def test_a_pytorch_build_missing_from_the_tables_is_skipped() -> None:
    finding = one(facts(frameworks=(framework(version="1.8.0", cuda="11.1", arch_list=None),)), "gpu.arch_in_build")
    assert finding.status == "skip"


def test_the_compute_capability_comes_from_the_products_table_when_not_reported() -> None:
    the_facts = facts(
        gpus=(gpu("NVIDIA GeForce GTX 1080 Ti", None),), frameworks=(framework(version="2.8.0", cuda="12.8"),)
    )
    finding = one(the_facts, "gpu.arch_in_build")
    assert finding.status == "fail" and "6.1" in finding.detail, GPU_TABLE


@pytest.mark.parametrize(
    ("cc", "version", "cuda", "status", "source"),
    [
        ("9.0", "2.20.0", "12.5", "pass", GPU_TABLE),
        ("3.7", "2.15.0", "12.2", "fail", CUDA12_DROPS),  # CUDA 12 cannot build Kepler
        ("3.7", "2.11.0", "11.2", "pass", CUDA12_DROPS),
        ("3.0", "2.4.0", "11.0", "fail", TF_PIP),  # TensorFlow needs compute capability >= 3.5
    ],
)
def test_tensorflow_without_arch_list_uses_its_cuda_range(cc, version, cuda, status, source) -> None:
    the_facts = facts(gpus=(gpu("GPU", cc),), frameworks=(framework("tensorflow", version, cuda),))
    assert one(the_facts, "gpu.arch_in_build").status == status, source


def test_a_kepler_gpu_is_offered_the_newest_tensorflow_built_with_cuda_11() -> None:
    # Tested build configurations: 2.14 is the last with CUDA 11.8 (2.15 moved to 12.2); CUDA 12 drops Kepler.
    the_facts = facts(gpus=(gpu("Tesla K80", "3.7"),), frameworks=(framework("tensorflow", "2.15.0", "12.2"),))
    finding = one(the_facts, "gpu.arch_in_build")
    assert finding.fix_command == 'pip install "tensorflow==2.14.*"'
    assert "(CUDA 11.8, cuDNN 8.7)" in (finding.fix or "")


@pytest.mark.parametrize(
    ("gpu_name", "cc", "driver", "wheel"),
    [
        # RELEASE.md support matrix: 2.14 = cu126, cu130, cu132 (all stable); 2.12 and 2.13 = cu126, cu130
        # (+cu132 exp.); 2.11 = cu126, cu128, cu130. CUDA 13 wheels need a driver >= 580.
        (
            "NVIDIA GeForce RTX 5090",
            "12.0",
            "570.153.02",
            '"torch==2.11.*" --index-url https://download.pytorch.org/whl/cu128',
        ),
        (
            "NVIDIA GeForce RTX 5090",
            "12.0",
            "580.178.04",
            '"torch==2.14.*" --index-url https://download.pytorch.org/whl/cu132',
        ),
        (
            "NVIDIA GeForce GTX 1080 Ti",
            "6.1",
            "580.178.04",
            '"torch==2.14.*" --index-url https://download.pytorch.org/whl/cu126',
        ),
        (
            "NVIDIA GeForce RTX 4090",
            "8.9",
            "580.178.04",
            '"torch==2.14.*" --index-url https://download.pytorch.org/whl/cu132',
        ),
    ],
)
def test_a_cpu_only_torch_gets_the_pip_command_for_this_gpu_and_driver(gpu_name, cc, driver, wheel) -> None:
    the_facts = facts(nvidia_driver=driver, gpus=(gpu(gpu_name, cc),), frameworks=(framework(cuda=None),))
    finding = one(the_facts, "framework.cpu_only")
    assert finding.status == "warn" and wheel in (finding.fix_command or ""), TORCH_MATRIX


@pytest.mark.parametrize(
    ("name", "driver", "fix"),
    [
        ("tensorflow", "580.178.04", 'install "tensorflow[and-cuda]"'),
        ("jax", "580.178.04", '"jax[cuda13]"'),
        ("jax", "570.153.02", '"jax[cuda12]"'),
    ],
)
def test_cpu_only_tensorflow_and_jax_get_their_gpu_package(name, driver, fix) -> None:
    finding = one(facts(nvidia_driver=driver, frameworks=(framework(name, "2.20.0", None),)), "framework.cpu_only")
    assert fix in (finding.fix_command or "")


def test_no_cpu_only_warning_without_an_nvidia_gpu() -> None:
    assert found(facts(gpus=(), nvidia_driver=None, frameworks=(framework(cuda=None),)), "framework.cpu_only") == []


@pytest.mark.parametrize(
    ("version", "cuda", "expected"), [("2.15.0", None, 1), ("2.11.0", None, 1), ("2.10.0", "11.2", 0)]
)
def test_tensorflow_after_2_10_on_native_windows_has_no_gpu(version, cuda, expected) -> None:
    the_facts = facts(os="windows", nvidia_driver="582.78", frameworks=(framework("tensorflow", version, cuda),))
    findings = found(the_facts, "tensorflow.windows_native")
    assert len(findings) == expected, TF_PIP
    if findings:
        assert findings[0].status == "warn" and "WSL2" in (findings[0].fix or "")
        assert found(the_facts, "framework.cpu_only") == []


@pytest.mark.parametrize(
    ("cuda", "available", "expected"), [("12.4", False, 1), ("12.4", True, 0), ("12.4", None, 0), (None, False, 0)]
)
def test_a_cuda_build_that_sees_no_gpu_fails(cuda, available, expected) -> None:
    the_facts = facts(frameworks=(framework(cuda=cuda, arch_list=("sm_89",), cuda_available=available),))
    findings = found(the_facts, "framework.cuda_unavailable")
    assert len(findings) == expected
    if findings:
        assert findings[0].status == "fail" and "CUDA_VISIBLE_DEVICES" in (findings[0].fix or "")


def test_a_framework_that_does_not_import_is_a_warning_with_its_error() -> None:
    broken = framework(cuda="12.4", error="ImportError: libcudnn.so.9: cannot open shared object file")
    finding = one(facts(frameworks=(broken,)), "framework.import_failed")
    assert finding.status == "warn" and "libcudnn.so.9" in finding.detail


@pytest.mark.parametrize(
    ("gpu_name", "cc", "toolkit", "status", "number", "source"),
    [
        ("NVIDIA GeForce GTX 1080 Ti", "6.1", "13.0", "fail", "12.9", CUDA13_DROPS),
        ("NVIDIA GeForce GTX 1080 Ti", "6.1", "12.9", "pass", "12.9", CUDA13_DROPS),
        ("Tesla K80", "3.7", "12.0", "fail", "11.8", CUDA12_DROPS),
        ("Tesla K80", "3.7", "11.8", "pass", "11.8", CUDA12_DROPS),
        ("NVIDIA GeForce RTX 5090", "12.0", "12.6", "fail", "12.8", GPU_TABLE),
        ("NVIDIA GeForce RTX 5090", "12.0", "12.8", "pass", "12.8", GPU_TABLE),
    ],
)
def test_the_toolkit_can_build_for_the_gpu(gpu_name, cc, toolkit, status, number, source) -> None:
    the_facts = facts(nvidia_driver="580.178.04", gpus=(gpu(gpu_name, cc),), cuda_toolkit=toolkit)
    finding = one(the_facts, "toolkit.builds_for_gpu")
    assert finding.status == status and number in finding.detail, source


def test_a_gpu_of_unknown_compute_capability_is_skipped_with_the_reason() -> None:
    the_facts = facts(gpus=(gpu("Some Future GPU", None),), frameworks=(framework(cuda="12.8", arch_list=("sm_90",)),))
    finding = one(the_facts, "gpu.arch_in_build")
    assert finding.status == "skip" and "not in the products table" in finding.detail
