"""The NVML adapter through the real pynvml binding, against the stand-in libnvidia-ml.so.1.

Each scenario is a kind of machine users have; the tests assert what the adapter reports.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.gpu.clock_reasons import decode, describe, encode
from app.core.gpu.nvml_source import LOST, NvidiaBackend
from tests.core.gpu.conftest import snapshot_with_stub, write_scenario


def _calls(library: Path, name: str) -> int:
    count = ctypes.CDLL(str(library)).aiwmFakeCallCount
    count.restype, count.argtypes = ctypes.c_ulong, [ctypes.c_char_p]
    return int(count(name.encode()))


@pytest.fixture
def backend_for(fake_nvml):
    opened: list[NvidiaBackend] = []

    def open_backend(scenario: str, old: bool = False) -> NvidiaBackend:
        fake_nvml(scenario, old=old)
        backend = NvidiaBackend()
        opened.append(backend)
        return backend

    yield open_backend
    for backend in opened:
        backend.close()


def test_nvml_geforce_card_reports_live_values(backend_for) -> None:
    backend = backend_for("geforce_rtx4090")
    status = backend.status()
    assert (status.status, status.driver_version, status.cuda_driver_version, status.nvml_version) == (
        "ok",
        "550.54.14",
        "12.4",
        "12.550.54.14",
    )
    gpu = backend.read().gpus[0]
    assert gpu.name == "NVIDIA GeForce RTX 4090" and not gpu.simulated and not gpu.lost
    assert (gpu.util_percent, gpu.mem_util_percent, gpu.temperature_c) == (99.0, 61.0, 83.0)
    assert (gpu.vram_used_bytes, gpu.vram_total_bytes) == (21474836480, 25757220864)
    assert (gpu.power_w, gpu.power_limit_w) == (447.123, 450.0)
    assert (gpu.sm_clock_mhz, gpu.mem_clock_mhz, gpu.pstate) == (2520.0, 10501.0, 2)
    assert (gpu.fans_percent, gpu.fan_percent) == ((78.0, 80.0), 79.0)
    assert gpu.clock_event_reasons == ("sw_power_cap",)
    assert (gpu.power_violation_s, gpu.thermal_violation_s) == (12.5, 0.0)
    assert (gpu.pcie_gen, gpu.pcie_width) == (4, 16)


def test_nvml_geforce_card_says_why_ecc_mig_and_serial_are_missing(backend_for) -> None:
    backend = backend_for("geforce_rtx4090")
    info = backend.inventory()[0]
    gpu = backend.read().gpus[0]
    assert gpu.ecc_corrected is None and gpu.ecc_uncorrected is None and gpu.power_instant_w is None
    assert dict(gpu.missing)["ecc_corrected"] == "not supported by this GPU or driver"
    assert info.serial is None and info.mig_mode is None
    assert {"serial", "mig_mode"} <= set(dict(info.missing))


def test_nvml_inventory_reads_limits_thresholds_and_link(backend_for) -> None:
    info = backend_for("geforce_rtx4090").inventory()[0]
    assert info.compute_capability == "8.9"
    assert (info.power_default_w, info.power_min_w, info.power_max_w, info.power_enforced_w) == (450, 150, 600, 450)
    assert (info.temp_slowdown_c, info.temp_shutdown_c, info.temp_max_operating_c, info.temp_target_c) == (
        97,
        100,
        90,
        84,
    )
    assert (info.pcie_gen_max, info.pcie_width_max, info.fan_count) == (4, 16, 2)
    assert (info.persistence_mode, info.display_attached, info.pci_bus_id) == (True, True, "00000000:01:00.0")
    assert info.vbios == "95.02.18.80.87"


def test_nvml_unsupported_calls_are_remembered_not_retried(backend_for, stub_libraries) -> None:
    backend = backend_for("geforce_rtx4090")
    backend.read()
    before = _calls(stub_libraries.full, "nvmlDeviceGetTotalEccErrors")
    util_before = _calls(stub_libraries.full, "nvmlDeviceGetUtilizationRates")
    for _ in range(5):
        backend.read()
    assert _calls(stub_libraries.full, "nvmlDeviceGetTotalEccErrors") == before
    assert _calls(stub_libraries.full, "nvmlDeviceGetUtilizationRates") == util_before + 5


def test_nvml_processes_are_merged_by_pid_with_name_user_and_memory(backend_for) -> None:
    gpu = backend_for("geforce_rtx4090").read().gpus[0]
    mine, gone = gpu.processes
    assert mine.pid == os.getpid()
    assert mine.kind == "compute+graphics"
    assert mine.vram_used_bytes == 20401094656  # the same allocation listed twice is not added up
    assert mine.name and mine.user
    assert (gone.pid, gone.name, gone.user, gone.kind) == (999999, None, None, "graphics")


def test_nvml_pcie_throughput_is_converted_from_kb_per_second(backend_for) -> None:
    link = backend_for("geforce_rtx4090").read_pcie().gpus[0]
    assert (link.tx_bytes_per_s, link.rx_bytes_per_s) == (2048 * 1024, 512000 * 1024)


def test_nvml_datacenter_card_reports_ecc_mig_serial_margin_and_instant_power(backend_for) -> None:
    backend = backend_for("datacenter_a100")
    info, gpu = backend.inventory()[0], backend.read().gpus[0]
    assert (info.serial, info.mig_mode, info.compute_capability) == ("1562120031234", True, "8.0")
    assert (gpu.ecc_corrected, gpu.ecc_uncorrected) == (7, 0)
    assert (gpu.temp_margin_c, gpu.power_instant_w, gpu.power_w) == (1.0, 411.25, 392.5)
    assert gpu.clock_event_reasons == ("sw_power_cap", "sw_thermal_slowdown", "hw_thermal_slowdown")
    assert gpu.thermal_violation_s == 41.5
    assert gpu.fan_percent is None and dict(gpu.missing)["fan_percent"] == "not supported by this GPU or driver"
    assert gpu.processes == ()


def test_nvml_old_driver_falls_back_to_older_entry_points(backend_for, stub_libraries) -> None:
    backend = backend_for("old_driver", old=True)
    gpu = backend.read().gpus[0]
    assert gpu.temperature_c == 67.0  # nvmlDeviceGetTemperature, not ...V
    assert gpu.clock_event_reasons == ()  # ...ClocksThrottleReasons, not ...EventReasons
    assert gpu.fans_percent == (55.0,)  # nvmlDeviceGetFanSpeed, no per-fan calls
    assert gpu.vram_used_bytes == 4294967296  # nvmlDeviceGetMemoryInfo v1
    assert [p.pid for p in gpu.processes] == [os.getpid()]  # ..._v2 process list
    assert (gpu.pcie_gen, gpu.pcie_width) == (3, 16)
    assert gpu.temp_margin_c is None
    assert dict(gpu.missing)["temp_margin_c"] == "driver too old for nvmlDeviceGetMarginTemperature"
    before = _calls(stub_libraries.old, "nvmlDeviceGetTemperature")
    backend.read()
    assert _calls(stub_libraries.old, "nvmlDeviceGetTemperature") == before + 1


def test_nvml_lost_gpu_is_reported_and_the_others_keep_sampling(backend_for, stub_libraries) -> None:
    backend = backend_for("lost_gpu")
    first = backend.read()
    assert [g.lost for g in first.gpus] == [False, False]
    backend.read()
    third = backend.read()
    good, lost = third.gpus
    assert not good.lost and good.temperature_c == 45.0
    assert lost.lost and lost.temperature_c is None and lost.name == "NVIDIA GeForce RTX 4090"
    assert dict(lost.missing)["all"] == LOST
    asked = _calls(stub_libraries.full, "nvmlDeviceGetUtilizationRates")
    fourth = backend.read()
    assert fourth.gpus[1].lost and fourth.gpus[0].util_percent == 12.0
    assert _calls(stub_libraries.full, "nvmlDeviceGetUtilizationRates") == asked + 1, "a lost GPU is not asked again"


def test_nvml_driver_library_mismatch_is_reported_in_words(backend_for) -> None:
    backend = backend_for("mismatch")
    status = backend.status()
    assert "version mismatch" in status.status and "reboot" in status.status
    assert backend.gpu_count == 0 and backend.read().gpus == ()


def test_nvml_driver_not_loaded_is_reported_in_words(backend_for) -> None:
    assert "not loaded" in backend_for("driver_not_loaded").status().status


def test_nvml_two_gpus_of_different_models(backend_for) -> None:
    backend = backend_for("two_models")
    infos, gpus = backend.inventory(), backend.read().gpus
    assert [i.name for i in infos] == ["NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 3090"]
    assert [i.compute_capability for i in infos] == ["8.9", "8.6"]
    assert [(g.pcie_gen, g.pcie_width) for g in gpus] == [(1, 16), (3, 8)]
    assert [(i.pcie_gen_max, i.pcie_width_max) for i in infos] == [(4, 16), (4, 16)]
    assert [g.temperature_c for g in gpus] == [41.0, 76.0]
    metrics = backend.read().metrics()
    assert metrics["gpu0.temperature_c"] == 41.0 and metrics["gpu1.power_w"] == 348.0


def test_nvml_library_not_found_is_reported_in_words(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("AIWM_NVML_LIBRARY", str(tmp_path / "no-such-libnvidia-ml.so.1"))
    backend = NvidiaBackend()
    status = backend.status()
    assert status.status.endswith("no-such-libnvidia-ml.so.1: that file does not exist")
    assert (status.driver_version, backend.gpu_count) == (None, 0)


def test_nvml_clock_event_reasons_decode_and_explain() -> None:
    assert decode(0x0) == ()
    assert decode(0x44) == ("sw_power_cap", "hw_thermal_slowdown")
    assert decode(0x1000 | 0x1) == ("gpu_idle", "unknown_0x1000")
    assert encode(("sw_power_cap", "hw_thermal_slowdown")) == 0x44
    hw = describe("hw_thermal_slowdown")
    assert hw is not None and hw.is_fault and "cooling" in hw.advice
    power_cap = describe("sw_power_cap")
    assert power_cap is not None and not power_cap.is_fault


def test_nvml_snapshot_json_through_the_system_library_path(stub_libraries, tmp_path) -> None:
    """The whole CLI in a subprocess that finds the stand-in as libnvidia-ml.so.1 on LD_LIBRARY_PATH."""
    doc = snapshot_with_stub(stub_libraries.full, write_scenario("two_models", tmp_path), through_ld_library_path=True)
    assert doc["nvidia"] == {
        "status": "ok",
        "driver_version": "550.54.14",
        "cuda_driver_version": "12.4",
        "nvml_version": "12.550.54.14",
        "simulated": False,
        "cause": "ok",
    }
    assert doc["simulated"] is False
    second = doc["gpus"][1]
    assert second["name"] == "NVIDIA GeForce RTX 3090" and second["simulated"] is False
    assert (second["pcie_gen"], second["pcie_width"], second["pcie_gen_max"], second["pcie_width_max"]) == (3, 8, 4, 16)
    assert second["fan_percent"] == 73.0 and second["power_limit_w"] == 350.0
    assert second["ecc_corrected"] is None
    assert doc["missing"]["gpus[1].ecc_corrected"] == "not supported by this GPU or driver"


def test_nvml_clock_events_become_zero_one_metrics(backend_for) -> None:
    metrics = backend_for("datacenter_a100").read().metrics()
    assert metrics["gpu0.clock_event.hw_thermal_slowdown"] == 1.0
    assert metrics["gpu0.clock_event.gpu_idle"] == 0.0


# nvmlDeviceGetHandleByIndex answers these for GPUs 1, 2 and 3 of unopenable_gpus.scn (nvml.h values:
# NVML_ERROR_GPU_IS_LOST = 15, NVML_ERROR_NO_PERMISSION = 4, NVML_ERROR_UNKNOWN = 999).
UNOPENABLE_WHY = {
    1: LOST,
    2: "could not be opened: needs more permissions (run as root)",
    3: "could not be opened: NVML error: Unknown Error",
}


def test_gpus_whose_handle_cannot_be_taken_are_unreadable_with_the_reason_and_the_others_sampled(backend_for) -> None:
    backend = backend_for("unopenable_gpus")
    assert backend.status().status == "ok" and backend.gpu_count == 4
    infos, readings, links = backend.inventory(), backend.read().gpus, backend.read_pcie().gpus
    assert infos[0].name == "NVIDIA GeForce RTX 4090" and readings[0].temperature_c == 45.0
    assert (links[0].tx_bytes_per_s, links[0].rx_bytes_per_s) == (100 * 1024, 200 * 1024)
    for index, why in UNOPENABLE_WHY.items():
        assert infos[index].name is None and dict(infos[index].missing) == {"all": why}
        assert readings[index].temperature_c is None and dict(readings[index].missing) == {"all": why}
        assert readings[index].lost is (index == 1), "only GPU_IS_LOST marks a GPU lost"
        assert links[index].tx_bytes_per_s is None and dict(links[index].missing) == {"all": why}


def test_snapshot_of_unopenable_gpus_does_not_crash_and_says_why_in_json_and_text(stub_libraries, tmp_path) -> None:
    scenario = write_scenario("unopenable_gpus", tmp_path)
    doc = snapshot_with_stub(stub_libraries.full, scenario)
    assert doc["nvidia"]["status"] == "ok" and len(doc["gpus"]) == 4
    assert doc["gpus"][0]["temperature_c"] == 45.0 and doc["gpus"][0]["util_percent"] == 12.0
    for index, why in UNOPENABLE_WHY.items():
        assert doc["missing"][f"gpus[{index}].all"] == why
        assert doc["gpus"][index]["temperature_c"] is None
    env = {**os.environ, "AIWM_FAKE_NVML_SCENARIO": str(scenario), "AIWM_NVML_LIBRARY": str(stub_libraries.full)}
    done = subprocess.run(
        [sys.executable, "-m", "app", "snapshot"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert "GPU 0    NVIDIA GeForce RTX 4090  use 12 %" in "\n".join(lines)
    assert "GPU 1    n/a: LOST (fell off the bus); reboot needed" in lines
    assert "GPU 2    n/a: UNREADABLE: could not be opened: needs more permissions (run as root)" in lines
    assert "GPU 3    n/a: UNREADABLE: could not be opened: NVML error: Unknown Error" in lines


def test_inventory_refresh_after_readings_on_an_old_driver_still_reads_memory(backend_for) -> None:
    """The readings ask memory with (v2, v1) and learn that v1 answers (index 1); the inventory asks
    memory with v1 alone. A memo keyed by the field only would start the inventory's list at index 1,
    past its end, and report memory as missing."""
    backend = backend_for("old_driver", old=True)
    assert backend.read().gpus[0].vram_used_bytes == 4294967296
    info = backend.inventory(refresh=True)[0]
    assert info.vram_total_bytes == 25769803776 and "vram_total_bytes" not in dict(info.missing)


def test_every_field_reported_missing_for_good_is_never_asked_again(backend_for) -> None:
    """The rule the real-GPU test checks: a reason in `missing` names a field the session remembers,
    also where one NVML query fills several fields (power limits fill power_min_w and power_max_w)."""
    backend = backend_for("two_models")  # no power limit constraints, ECC, serial, ... in this scenario
    infos, gpus = backend.inventory(), backend.read().gpus
    named = {(r.index, name) for r in (*infos, *gpus) for name, _ in r.missing}
    assert {(0, "power_min_w"), (0, "power_max_w"), (1, "ecc_corrected")} <= named
    for index, name in named:
        assert backend.session.is_unsupported(index, name), f"gpu{index}.{name} would be asked again"
