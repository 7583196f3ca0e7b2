"""Without a usable GPU the program says why and what to do: the words per NVIDIA status, from the
real adapter over the stand-in library's start failures."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pynvml
import pytest

from app.core.gpu.nvml_source import NvidiaBackend
from app.core.gpu.records import NvidiaStatus
from app.core.gpu.status_advice import advise
from tests.core.gpu.conftest import write_scenario
from tests.test_cli import unexplained_na

# scenario -> (cause, headline, a phrase of what to do). The stand-in answers nvmlInit with the
# scenario's init_error: DRIVER_NOT_LOADED (9), LIB_RM_VERSION_MISMATCH (18), NO_PERMISSION (4).
CASES = {
    "driver_not_loaded": (
        "driver_not_loaded",
        "The NVIDIA driver is installed but not loaded.",
        "Load it with `sudo modprobe nvidia` or reboot.",
    ),
    "mismatch": (
        "version_mismatch",
        "The NVIDIA driver was updated, but the old version is still running (driver/library version mismatch).",
        "Reboot to load the new driver.",
    ),
    "no_permission": (
        "no_permission",
        "This user may not open the NVIDIA driver (no permission on /dev/nvidia*).",
        "add your user to the group that owns them",
    ),
    "no_gpu": (
        "no_gpu",
        "The NVIDIA driver is running, but it lists no GPU.",
        "Check that the card is seated and powered",
    ),
}


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_each_nvidia_status_gets_its_headline_and_remedy(fake_nvml, scenario) -> None:
    fake_nvml(scenario)
    backend = NvidiaBackend()
    try:
        status = backend.status()
    finally:
        backend.close()
    cause, headline, remedy = CASES[scenario]
    advice = advise(status)
    assert status.cause == cause and advice is not None
    assert advice.headline == headline and remedy in advice.what_to_do


def test_without_aiwm_nvml_library_a_missing_system_library_says_no_driver_is_installed(monkeypatch) -> None:
    monkeypatch.delenv("AIWM_NVML_LIBRARY", raising=False)
    monkeypatch.setattr(pynvml, "nvmlLib", None)  # forget a stand-in library an earlier test loaded
    monkeypatch.setattr(pynvml, "_nvmlGetFunctionPointer_cache", {})
    try:
        ctypes.CDLL("libnvidia-ml.so.1")
        pytest.skip("this machine has an NVIDIA driver (libnvidia-ml.so.1 loads): cannot show the missing case")
    except OSError:
        pass
    backend = NvidiaBackend()
    advice = advise(backend.status())
    backend.close()
    assert backend.status().cause == "library_not_found" and advice is not None
    assert advice.headline == "No NVIDIA driver is installed (the NVML library, libnvidia-ml, was not found)."
    assert "Install the NVIDIA driver" in advice.what_to_do


def test_an_aiwm_nvml_library_that_does_not_exist_is_blamed_not_the_driver(monkeypatch, tmp_path) -> None:
    missing = tmp_path / "no-such-libnvidia-ml.so.1"
    monkeypatch.setenv("AIWM_NVML_LIBRARY", str(missing))
    status = NvidiaBackend().status()
    advice = advise(status)
    assert status.cause == "named_library_unusable" and advice is not None
    assert status.status == f"AIWM_NVML_LIBRARY={missing}: that file does not exist"
    assert advice.headline == f"The NVML library chosen for this program is not usable ({status.status})."
    assert "unset AIWM_NVML_LIBRARY" in advice.what_to_do and "Point AIWM_NVML_LIBRARY at" in advice.what_to_do
    assert "driver" not in status.status


def test_an_aiwm_nvml_library_that_is_not_a_library_says_why_it_cannot_be_loaded(monkeypatch, tmp_path) -> None:
    text = tmp_path / "libnvidia-ml.so.1"
    text.write_text("not a shared library\n")
    monkeypatch.setenv("AIWM_NVML_LIBRARY", str(text))
    status = NvidiaBackend().status()
    assert status.cause == "named_library_unusable"
    assert status.status.startswith(f"AIWM_NVML_LIBRARY={text} cannot be loaded: ")
    assert "invalid ELF header" in status.status or "file too short" in status.status, status.status


def test_working_and_simulated_gpus_need_no_advice(fake_nvml) -> None:
    fake_nvml("geforce_rtx4090")
    backend = NvidiaBackend()
    try:
        assert backend.status().cause == "ok" and advise(backend.status()) is None
    finally:
        backend.close()
    assert advise(NvidiaStatus("SIMULATED: 1 demo GPU(s)", None, None, None, simulated=True)) is None


def test_an_unexpected_start_error_still_says_what_to_try() -> None:
    advice = advise(NvidiaStatus("NVML failed to start: Unknown Error", None, None, None, cause="failed"))
    assert advice is not None
    assert advice.headline == "NVML could not be used: NVML failed to start: Unknown Error."
    assert "nvidia-smi" in advice.what_to_do


def test_snapshot_text_shows_the_headline_and_what_to_do(stub_libraries, tmp_path) -> None:
    env = {
        **os.environ,
        "AIWM_FAKE_NVML_SCENARIO": str(write_scenario("driver_not_loaded", tmp_path)),
        "AIWM_NVML_LIBRARY": str(stub_libraries.full),
    }
    done = subprocess.run(
        [sys.executable, "-m", "app", "snapshot"], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    lines = done.stdout.splitlines()
    assert "         The NVIDIA driver is installed but not loaded." in lines
    assert any(line.startswith("         What to do: Load it with `sudo modprobe nvidia` or reboot.") for line in lines)


def test_with_a_driver_that_is_not_loaded_every_n_a_in_the_snapshot_text_says_why(stub_libraries, tmp_path) -> None:
    env = {
        **os.environ,
        "AIWM_FAKE_NVML_SCENARIO": str(write_scenario("driver_not_loaded", tmp_path)),
        "AIWM_NVML_LIBRARY": str(stub_libraries.full),
    }
    done = subprocess.run(
        [sys.executable, "-m", "app", "snapshot"], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert "driver n/a (NVML did not start: see the status)  CUDA n/a (NVML did not start: see the status)" in (
        done.stdout
    )
    assert unexplained_na(done.stdout) == []
