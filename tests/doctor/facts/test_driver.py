"""The driver facts: the kernel module's version file, nouveau, nvidia-smi as last resort, and
the GPUs from the engine's inventory (simulated with --demo, a fake engine for NVML's errors)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.core.engine import Engine, EngineOptions
from app.core.gpu.records import GpuInfo, NvidiaStatus
from app.core.proc import CommandResult
from app.doctor.facts.driver import kernel_module_version, nouveau_loaded, read_driver_facts, smi_driver_version

from .conftest import answering, write


# Real first lines of /proc/driver/nvidia/version, as users posted them:
# 515.76 and 177.80 (proprietary module), 575.57.08 and 580.65.06 (open module, Blackwell needs it).
@pytest.mark.parametrize(
    ("first_line", "version"),
    [
        ("NVRM version: NVIDIA UNIX x86_64 Kernel Module  515.76  Mon Sep 12 19:21:56 UTC 2022", "515.76"),
        ("NVRM version: NVIDIA UNIX x86_64 Kernel Module  177.80  Wed Oct  1 14:43:46 PDT 2008", "177.80"),
        (
            "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  575.57.08  Release Build  "
            "(dvs-builder@U16)  Tue May 20 2025",
            "575.57.08",
        ),
        ("NVRM version: NVIDIA UNIX Open Kernel Module for aarch64  580.65.06  Release Build", "580.65.06"),
    ],
)
def test_kernel_module_version_is_read_from_both_module_flavours(tmp_path: Path, first_line: str, version: str) -> None:
    write(
        tmp_path / "driver/nvidia/version",
        first_line + "\nGCC version:  gcc version 7.5.0 (Ubuntu 7.5.0-3ubuntu1~18.04)\n",
    )
    assert kernel_module_version(tmp_path) == version


def test_no_version_file_means_no_kernel_module(tmp_path: Path) -> None:
    assert kernel_module_version(tmp_path) is None


def test_nouveau_is_found_in_proc_modules_and_not_confused_with_nvidia(tmp_path: Path) -> None:
    # /proc/modules lines: name size refcount deps state address
    write(
        tmp_path / "proc/modules",
        "nvidia_drm 77824 4 - Live 0x0000000000000000\nnvidia 56500224 97 nvidia_drm, Live 0x0\n",
    )
    assert nouveau_loaded(tmp_path / "proc", tmp_path / "sys") is False
    write(tmp_path / "proc/modules", "drm_ttm_helper 16384 1 nouveau, Live 0x0\nnouveau 2396160 3 - Live 0x0\n")
    assert nouveau_loaded(tmp_path / "proc", tmp_path / "sys") is True


def test_nouveau_falls_back_to_sys_module_and_is_unknown_without_either(tmp_path: Path) -> None:
    (tmp_path / "sys/module/nouveau").mkdir(parents=True)
    assert nouveau_loaded(tmp_path / "proc", tmp_path / "sys") is True
    assert nouveau_loaded(tmp_path / "proc", tmp_path / "nothing") is None


def test_nvidia_smi_gives_the_driver_version_or_says_why_not() -> None:
    run, calls = answering({"nvidia-smi": CommandResult(0, "550.54.14\n550.54.14\n", "")})
    assert smi_driver_version(run) == ("550.54.14", None)
    assert calls == [["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"]]
    failed = "Failed to initialize NVML: Unknown Error\n"
    run, _ = answering({"nvidia-smi": CommandResult(255, failed, "")})
    version, why = smi_driver_version(run)
    assert version is None and why is not None and "Unknown Error" in why and "exit 255" in why
    run, _ = answering({})
    assert smi_driver_version(run) == (None, "nvidia-smi is not installed")


def test_demo_facts_are_simulated_with_the_simulated_gpus_and_claim_no_real_driver(tmp_path: Path) -> None:
    with Engine(EngineOptions(demo="rtx4090,a100-80gb")) as engine:
        facts = read_driver_facts(engine, tmp_path, tmp_path, answering({})[0])
    assert facts.simulated and facts.nvidia_driver is None and facts.nvml_error is None
    # compute capabilities from NVIDIA's CUDA GPUs table: RTX 4090 8.9, A100 8.0
    assert [(gpu.compute_capability, "SIMULATED" in gpu.name) for gpu in facts.gpus] == [("8.9", True), ("8.0", True)]
    assert all(gpu.pcie_gen_max and gpu.pcie_width_current for gpu in facts.gpus)
    assert "SIMULATED" in dict(facts.missing)["nvidia_driver"]


class _FakeBackendEngine:
    """An engine whose NVML answered with `status` and these GPUs (no live source)."""

    simulated = False

    def __init__(self, status: NvidiaStatus, gpus: tuple[GpuInfo, ...] = ()) -> None:
        self._status, self._gpus = status, gpus

    def inventory(self) -> object:
        return type("Inventory", (), {"nvidia": self._status, "gpus": self._gpus})()

    def sources(self) -> list[object]:
        return []


# nvidia-smi after a driver update without a reboot; newer releases add the library's version
MISMATCH = "Failed to initialize NVML: Driver/library version mismatch\n"


@pytest.mark.parametrize(
    ("smi_says", "driver"), [(MISMATCH, None), (MISMATCH + "NVML library version: 550.107\n", "550.107")]
)
def test_version_mismatch_reports_nvml_error_and_the_kernel_module_and_asks_nvidia_smi(
    tmp_path: Path, smi_says: str, driver: str | None
) -> None:
    status = NvidiaStatus("driver/library version mismatch", None, None, None, cause="version_mismatch")
    write(tmp_path / "driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.90.07  Fri May 31\n")
    run, calls = answering({"nvidia-smi": CommandResult(18, smi_says, "")})
    facts = read_driver_facts(_FakeBackendEngine(status), tmp_path, tmp_path, run)  # type: ignore[arg-type]
    assert facts.nvml_error == "version_mismatch" and facts.kernel_module_version == "550.90.07"
    assert facts.nvidia_driver == driver and calls
    assert driver is not None or "mismatch" in dict(facts.missing)["nvidia_driver"]
    assert "no NVIDIA GPU listed" in dict(facts.missing)["gpus"]


def test_gpu_facts_carry_the_inventory_and_say_why_a_value_is_missing(tmp_path: Path) -> None:
    unreadable = GpuInfo.unreadable(0, "GPU is lost")
    info = replace(unreadable, name="NVIDIA GeForce GTX 1080 Ti", compute_capability="6.1", pcie_gen_max=3, missing=())
    status = NvidiaStatus("ok", "535.104.05", "12.2", "12.535.104.05")
    facts = read_driver_facts(_FakeBackendEngine(status, (info,)), tmp_path, tmp_path, answering({})[0])  # type: ignore[arg-type]
    assert facts.nvidia_driver == "535.104.05" and facts.nvml_error is None
    assert facts.gpus[0].compute_capability == "6.1" and facts.gpus[0].pcie_gen_max == 3
    missing = dict(facts.missing)
    assert missing["gpus[0].pcie_gen_current"] == "no live reading of this GPU"
    assert "gpus[0].compute_capability" not in missing and "gpus[0].persistence_mode" in missing


def test_on_windows_the_linux_kernel_facts_are_not_applicable(tmp_path: Path) -> None:
    write(tmp_path / "modules", "nouveau 2396160 0 - Live 0x0\n")  # would say True on Linux
    status = NvidiaStatus("ok", "581.57", "13.0", "13.581.57")
    facts = read_driver_facts(_FakeBackendEngine(status), tmp_path, tmp_path, answering({})[0], windows=True)  # type: ignore[arg-type]
    assert (facts.nvidia_driver, facts.nouveau_loaded, facts.kernel_module_version) == ("581.57", None, None)
    assert "not applicable on Windows" in dict(facts.missing)["nouveau_loaded"]
