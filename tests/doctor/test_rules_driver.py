"""Driver checks: present and loaded, the same version as its kernel module, and new enough for
each framework's CUDA and for the toolkit (full features vs minor-version compatibility)."""

from __future__ import annotations

import pytest

from tests.doctor.helpers import (
    BLACKWELL_GUIDE,
    CUDA13_NOTES,
    CUDA_DRIVER_TABLE,
    MINOR_COMPAT_TABLE,
    facts,
    found,
    framework,
    gpu,
    one,
    report,
)


@pytest.mark.parametrize(
    ("os_name", "driver", "cuda", "status", "numbers", "source"),
    [
        ("linux", "470.82.01", "12.1", "fail", ["470.82.01 < 525.60.13", "CUDA 12.1"], MINOR_COMPAT_TABLE),
        ("linux", "525.60.13", "12.4", "info", ["525.60.13 >= 525.60.13", "550.54.14"], MINOR_COMPAT_TABLE),
        ("linux", "550.54.14", "12.4", "pass", ["550.54.14 >= 550.54.14"], CUDA_DRIVER_TABLE),
        ("linux", "550.54.13", "12.4", "info", ["550.54.14"], CUDA_DRIVER_TABLE),
        ("windows", "528.33", "12.1", "info", ["528.33 >= 528.33", "531.14"], MINOR_COMPAT_TABLE),
        ("windows", "527.41", "12.1", "fail", ["527.41 < 528.33"], MINOR_COMPAT_TABLE),
        ("windows", "531.14", "12.1", "pass", ["531.14 >= 531.14"], CUDA_DRIVER_TABLE),
        ("linux", "575.57.08", "13.0", "fail", ["575.57.08 < 580"], CUDA13_NOTES),
        ("linux", "580.65.06", "13.0", "pass", ["580.65.06 >= 580.65.06"], CUDA_DRIVER_TABLE),
        ("linux", "580.95.05", "13.2", "info", [">= 580", "595"], CUDA13_NOTES),
        ("linux", "450.80.02", "11.8", "info", ["450.80.02 >= 450.80.02", "520.61.05"], MINOR_COMPAT_TABLE),
        ("linux", "450.51.05", "11.8", "fail", ["450.51.05 < 450.80.02"], MINOR_COMPAT_TABLE),
        ("linux", "450.51.05", "11.0", "pass", [">= 450.51.05"], CUDA_DRIVER_TABLE),
        (
            "linux",
            "450.36.06",
            "11.0",
            "fail",
            ["450.36.06 < 450.51.05"],
            CUDA_DRIVER_TABLE,
        ),  # no minor compat for 11.0
    ],
)
def test_driver_for_a_framework_build(os_name, driver, cuda, status, numbers, source) -> None:
    the_facts = facts(
        os=os_name, nvidia_driver=driver, frameworks=(framework(version="2.5.1", cuda=cuda, arch_list=("sm_86",)),)
    )
    finding = one(the_facts, "driver.for_framework")
    assert finding.status == status, (finding, source)
    for number in numbers:
        assert number in finding.detail, (finding.detail, source)
    if status == "fail":
        assert finding.fix and "install NVIDIA driver" in finding.fix


@pytest.mark.parametrize(
    ("driver", "status", "source"),
    [
        ("560.35.03", "fail", BLACKWELL_GUIDE),  # PTX of CUDA 12.8 needs the 12.8 driver's JIT: >= 570.26
        ("570.26", "pass", CUDA_DRIVER_TABLE),
    ],
)
def test_a_gpu_covered_only_by_ptx_needs_the_full_toolkit_driver(driver, status, source) -> None:
    build = framework(version="2.7.0", cuda="12.8", arch_list=("sm_80", "sm_90", "compute_90"))
    the_facts = facts(nvidia_driver=driver, gpus=(gpu("NVIDIA GeForce RTX 5090", "12.0"),), frameworks=(build,))
    finding = one(the_facts, "driver.for_framework")
    assert finding.status == status, source
    if status == "fail":
        assert "570.26" in finding.detail and "PTX" in finding.detail


def test_a_torch_build_on_an_old_driver_is_offered_the_newest_wheel_that_driver_runs() -> None:
    # Driver 535 runs CUDA 12.x wheels under minor-version compatibility, not cu130/cu132 (>= 580).
    # 2.14 ships cu126, cu130, cu132 (RELEASE.md support matrix); cu126 has sm_86, which runs on 8.9.
    build = framework(version="2.12.0", cuda="13.0", arch_list=("sm_80", "sm_89"), environment="/venv/bin/python")
    finding = one(facts(nvidia_driver="535.104.05", frameworks=(build,)), "driver.for_framework")
    assert finding.status == "fail" and "535.104.05 < 580" in finding.detail
    assert '"torch==2.14.*" --index-url https://download.pytorch.org/whl/cu126' in (finding.fix or "")
    assert "/venv/bin/python -m pip install" in (finding.fix or "")


@pytest.mark.parametrize(
    ("driver", "toolkit", "status", "number"),
    [
        ("535.104.05", "12.4", "info", "550.54.14"),  # CUDA_DRIVER_TABLE 12.4 GA; minor compat 525.60.13
        ("470.82.01", "12.4", "fail", "525.60.13"),
        ("550.54.14", "12.4", "pass", "550.54.14"),
    ],
)
def test_driver_for_the_installed_toolkit(driver, toolkit, status, number) -> None:
    finding = one(facts(nvidia_driver=driver, cuda_toolkit=toolkit), "driver.for_toolkit")
    assert finding.status == status and number in finding.detail, CUDA_DRIVER_TABLE


def test_a_cuda_release_not_in_the_tables_is_skipped_with_the_reason() -> None:
    finding = one(facts(frameworks=(framework(cuda="14.0", arch_list=("sm_89",)),)), "driver.for_framework")
    assert finding.status == "skip" and "14.0" in finding.detail


@pytest.mark.parametrize(
    ("cause", "finding_id", "fix_word"),
    [
        ("driver_not_loaded", "driver.loaded", "modprobe"),
        ("version_mismatch", "driver.version_mismatch", "reboot"),
        ("no_permission", "driver.loaded", "/dev/nvidia"),
        ("failed", "driver.loaded", "nvidia-smi"),
    ],
)
def test_each_nvml_failure_is_a_failed_check_with_its_own_fix(cause, finding_id, fix_word) -> None:
    finding = one(facts(nvml_error=cause, nvidia_driver=None), finding_id)
    assert finding.status == "fail" and fix_word in f"{finding.fix} {finding.fix_command}"


def test_a_kernel_module_older_than_the_library_asks_for_a_reboot() -> None:
    finding = one(facts(nvidia_driver="580.178.04", kernel_module_version="580.95.05"), "driver.version_mismatch")
    assert finding.status == "fail" and "580.95.05" in finding.detail and "580.178.04" in finding.detail
    assert "reboot" in (finding.fix or "")


def test_a_loaded_driver_passes_with_its_version() -> None:
    finding = one(facts(kernel_module_version="580.178.04"), "driver.loaded")
    assert finding.status == "pass" and "580.178.04" in finding.detail


@pytest.mark.parametrize("cause", [None, "no_gpu", "library_not_found"])
def test_no_nvidia_gpu_is_one_clear_warning_and_no_gpu_checks(cause) -> None:
    the_facts = facts(gpus=(), nvidia_driver=None, nvml_error=cause, frameworks=(framework(cuda=None),))
    finding = one(the_facts, "gpu.none")
    assert finding.status == "warn" and "skipped" in finding.title
    ids = {f.id for f in report(the_facts).findings}
    assert not ids & {"driver.loaded", "framework.cpu_only", "gpu.arch_in_build", "upkeep.driver_security"}


def test_a_driver_that_is_not_loaded_is_not_taken_for_no_gpu() -> None:
    assert found(facts(gpus=(), nvidia_driver=None, nvml_error="driver_not_loaded"), "gpu.none") == []


def test_the_issues_example_detail_reads_exactly() -> None:
    # issue 8: "driver 470.82.01 < 525.60.13 required by CUDA 12.1 builds" (MINOR_COMPAT_TABLE: 12.x >= 525.60.13)
    finding = one(
        facts(nvidia_driver="470.82.01", frameworks=(framework(cuda="12.1", arch_list=("sm_89",)),)),
        "driver.for_framework",
    )
    assert finding.detail == "driver 470.82.01 < 525.60.13 required by CUDA 12.1 builds"


def test_a_framework_that_failed_to_import_gets_no_driver_or_arch_verdict() -> None:
    broken = framework(cuda="12.1", arch_list=("sm_50",), error="ImportError: undefined symbol")
    the_facts = facts(nvidia_driver="470.82.01", frameworks=(broken,))
    assert found(the_facts, "driver.for_framework") == [] and found(the_facts, "gpu.arch_in_build") == []
