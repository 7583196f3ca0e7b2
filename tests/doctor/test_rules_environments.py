"""Findings that do not need a GPU: one per Python environment asked (also a timed-out one, also
on a machine without a GPU), several CUDA toolkits, and what SIMULATED GPUs can and cannot tell."""

from __future__ import annotations

from dataclasses import replace

from app.doctor.records import EnvironmentFact, ToolkitFact
from tests.doctor.helpers import facts, found, framework, gpu, one

NO_GPU = {"gpus": (), "nvidia_driver": None, "nvml_error": "library_not_found"}
CPU_TORCH = framework(version="2.13.0+cpu", cuda=None, environment="/tmp/t8torch/bin/python")


def test_each_environment_asked_gets_one_line_without_a_gpu() -> None:
    environments = (
        EnvironmentFact("/tmp/t8torch/bin/python", "answered", None, "3.11.2"),
        EnvironmentFact("/tmp/t8env/bin/python", "answered", None, "3.11.2"),
    )
    findings = found(facts(**NO_GPU, frameworks=(CPU_TORCH,), environments=environments), "environment.checked")
    assert [(f.status, f.subject) for f in findings] == [("pass", "environments[0]"), ("info", "environments[1]")]
    assert findings[0].detail == "Python 3.11.2: PyTorch 2.13.0+cpu (CPU-only): fine, no NVIDIA GPU"
    assert findings[1].detail == "no PyTorch, TensorFlow or JAX in /tmp/t8env/bin/python (Python 3.11.2)"


def test_a_timed_out_environment_is_a_warning_not_no_framework_found() -> None:
    hung = EnvironmentFact("/tmp/t8fake/bin/python", "timed_out", "timed out after 60 s")
    finding = one(facts(**NO_GPU, environments=(hung,)), "environment.checked")
    assert finding.status == "warn" and "timed out after 60 s" in finding.detail
    assert "no PyTorch" not in finding.detail and finding.fix_command == '/tmp/t8fake/bin/python -c "import torch"'


def test_a_cuda_build_without_a_gpu_is_said_to_run_on_the_cpu() -> None:
    cuda_torch = framework(version="2.8.0", cuda="12.8", environment="/env/bin/python")
    answered = EnvironmentFact("/env/bin/python", "answered", None, "3.12.3")
    finding = one(facts(**NO_GPU, frameworks=(cuda_torch,), environments=(answered,)), "environment.checked")
    assert finding.status == "pass" and "no NVIDIA GPU here: it runs on the CPU" in finding.detail


def test_several_toolkits_are_found_without_a_gpu_too() -> None:
    toolkits = (ToolkitFact("13.0", "/usr/local/cuda-13.0", "nvcc on PATH"), ToolkitFact("12.4", "/opt/c", "CUDA_HOME"))
    finding = one(facts(**NO_GPU, toolkits=toolkits), "toolkit.several")
    assert finding.status == "warn" and "13.0" in finding.detail and "12.4" in finding.detail


def test_simulated_gpus_do_not_fail_a_framework_that_cannot_see_them() -> None:
    cuda_torch = framework(version="2.5.1", cuda="12.4", cuda_available=False, arch_list=("sm_86",))
    simulated = facts(
        simulated=True,
        nvidia_driver=None,
        gpus=(gpu("NVIDIA GeForce RTX 4090 (SIMULATED)", "8.9"), gpu("NVIDIA GeForce RTX 3090 (SIMULATED)", "8.6")),
        frameworks=(cuda_torch,),
    )
    finding = one(simulated, "framework.cuda_unavailable")
    assert finding.status == "skip" and "SIMULATED" in finding.detail
    assert one(
        replace(simulated, simulated=False, nvidia_driver="580.178.04"), "framework.cuda_unavailable"
    ).status == ("fail")


def test_a_cpu_only_build_under_simulated_gpus_says_so_and_names_every_gpu() -> None:
    simulated = facts(
        simulated=True,
        nvidia_driver=None,
        gpus=(gpu("NVIDIA GeForce RTX 4090 (SIMULATED)", "8.9"), gpu("NVIDIA GeForce RTX 3090 (SIMULATED)", "8.6")),
        frameworks=(framework(version="2.13.0+cpu", cuda=None),),
    )
    finding = one(simulated, "framework.cpu_only")
    assert "2 SIMULATED GPUs (NVIDIA GeForce RTX 4090 (SIMULATED), NVIDIA GeForce RTX 3090 (SIMULATED))" in (
        finding.detail
    )
    assert "the GPUs are SIMULATED" in finding.detail
