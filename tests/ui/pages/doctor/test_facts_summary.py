"""The facts summary's lines for what the reports in test_page.py do not have: a driver that NVML
could not read, a kernel module that differs, frameworks that failed to import, in several environments."""

from __future__ import annotations

import sys

from app.doctor.records import Facts, FrameworkFact, GpuFact
from app.ui.pages.doctor.facts_summary import FactsSummary, driver_line, framework_lines, gpu_lines


def _facts(**changes: object) -> Facts:
    base: dict[str, object] = dict(
        os="linux", nvidia_driver=None, gpus=(), cuda_toolkit=None, cudnn=None, frameworks=()
    )
    base.update(changes)
    return Facts(**base)  # type: ignore[arg-type]


def test_an_unread_driver_says_nvmls_reason_when_the_gathering_gave_none() -> None:
    facts = _facts(nvml_error="version_mismatch")
    assert driver_line(facts, {}) == (
        "n/a (the driver library and the loaded kernel module differ: reboot after a driver update)"
    )
    assert driver_line(_facts(nvml_error="library_not_found"), {}) == (
        "n/a (the NVIDIA driver's library (NVML) is not installed)"
    )
    assert driver_line(_facts(), {}) == "n/a (not reported)"
    assert driver_line(_facts(nvml_error="a new cause"), {}) == "n/a (a new cause)", "an unknown cause is shown as is"


def test_the_gatherings_own_reason_wins_over_nvmls_cause() -> None:
    facts = _facts(nvml_error="driver_not_loaded")
    assert driver_line(facts, {"nvidia_driver": "nvidia-smi not found"}) == "n/a (nvidia-smi not found)"


def test_a_kernel_module_that_differs_from_the_library_is_shown_beside_it() -> None:
    assert driver_line(_facts(nvidia_driver="550.54.14", kernel_module_version="550.54.15"), {}) == (
        "550.54.14 (loaded kernel module: 550.54.15)"
    )
    assert driver_line(_facts(nvidia_driver="550.54.14", kernel_module_version="550.54.14"), {}) == "550.54.14"


def test_no_gpu_says_none_found_with_the_reason_when_there_is_one() -> None:
    assert gpu_lines((), {}) == "none found"
    assert gpu_lines((), {"gpus": "NVML: no NVIDIA GPU"}) == "none found (NVML: no NVIDIA GPU)"
    assert gpu_lines((GpuFact("Tesla K80", None),), {}) == "GPU 0: Tesla K80, compute capability n/a (not reported)"


def test_frameworks_are_listed_under_their_environment_in_the_order_found() -> None:
    frameworks = (
        FrameworkFact("torch", "2.7.1+cu126", "12.6", "9.5.1", None, True, sys.executable),
        FrameworkFact("jax", "0.4.30", None, None, None, None, "/opt/conda/envs/jax/bin/python"),
        FrameworkFact("tensorflow", "2.16.1", "12.3", None, None, None, sys.executable),
        FrameworkFact(
            "torch", "2.3.0", None, None, None, error="ImportError: libcudnn.so.8: cannot open shared object"
        ),
    )
    missing = {"frameworks[2].cudnn": "get_build_info() has no cudnn_version", "frameworks[1].cuda": "probe timed out"}
    assert framework_lines(_facts(frameworks=frameworks), missing).split("\n") == [
        f"this program's Python ({sys.executable}):",
        "• torch 2.7.1+cu126: CUDA 12.6, cuDNN 9.5.1, GPU usable: yes",
        "• tensorflow 2.16.1: CUDA 12.3, cuDNN n/a (get_build_info() has no cudnn_version)",
        "/opt/conda/envs/jax/bin/python:",
        "• jax 0.4.30: CUDA n/a (probe timed out)",
        "Python environment not stated:",
        "• torch 2.3.0: failed to import (ImportError: libcudnn.so.8: cannot open shared object)",
    ]


def test_a_framework_whose_gpu_check_could_not_run_says_why() -> None:
    frameworks = (FrameworkFact("torch", "2.5.1+cu121", "12.1", "9.1.0", None, None, "/usr/bin/python3"),)
    missing = {"frameworks[0].cuda_available": "torch.cuda.is_available() timed out after 20 s"}
    assert framework_lines(_facts(frameworks=frameworks), missing) == (
        "/usr/bin/python3:\n"
        "• torch 2.5.1+cu121: CUDA 12.1, cuDNN 9.1.0, GPU usable: n/a (torch.cuda.is_available() timed out after 20 s)"
    )


def test_every_row_reads_na_before_the_first_check(qtbot) -> None:
    summary = FactsSummary()
    qtbot.addWidget(summary)
    assert {label.text() for label in summary.values.values()} == {"n/a"}
    assert list(summary.values) == ["Operating system", "NVIDIA driver", "GPUs", "CUDA toolkit", "cuDNN", "Frameworks"]
