"""The GPU compute burn and VRAM test on a real NVIDIA GPU (`make device-check`; deselected by `make test`).

The first GPU that NVML lists is loaded through CUDA by its PCI bus id. The burn must reach 85 %
of the card's published FP32 peak with 0 mismatches, the VRAM test 0 errors, each over
AIWM_DEVICE_STRESS_S seconds (60 by default); an injected bit flip must be found on the real GPU.
The figures go to stdout and to test-artifacts/gpu-stress.json, which `packaging/devcheck.py` prints.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from app.core.gpu.nvml_source import NvidiaBackend
from app.stress.gpu.vram import VramSettings
from app.stress.gpu.workload import GpuBurnWorkload, VramWorkload
from app.stress.records import WorkloadStatus

pytestmark = pytest.mark.device

DURATION_S = float(os.environ.get("AIWM_DEVICE_STRESS_S", "60"))
FIGURES = Path(__file__).resolve().parents[2] / "test-artifacts" / "gpu-stress.json"


@pytest.fixture(scope="module")
def gpu() -> Any:
    backend = NvidiaBackend()
    assert backend.status().status == "ok", backend.status().status
    info = backend.inventory()[0]
    assert info.pci_bus_id, "NVML gave no PCI bus id"
    yield backend, info
    backend.close()


def run_for(
    workload: GpuBurnWorkload | VramWorkload, seconds: float, backend: NvidiaBackend, min_iterations: int = 0
) -> dict[str, Any]:
    """Run for `seconds` (and at least `min_iterations`, within 120 s), sampling NVML (hottest,
    highest power, SM clock range), then stop."""
    workload.start()
    began = time.monotonic()
    temps, powers, clocks = [], [], []
    status = workload.poll()
    while time.monotonic() - began < seconds or (status.iterations < min_iterations and time.monotonic() - began < 120):
        time.sleep(5 if seconds >= 10 else 1)
        status = workload.poll()
        assert status.failure is None, status.failure
        reading = backend.read().gpus[0]
        temps.append(reading.temperature_c)
        powers.append(reading.power_w)
        clocks.append(reading.sm_clock_mhz)
    final = workload.stop()
    return {
        "final": final,
        "temperature_c_max": max(filter(None, temps), default=None),
        "power_w_max": max(filter(None, powers), default=None),
        "sm_clock_mhz": [min(filter(None, clocks), default=None), max(filter(None, clocks), default=None)],
        "seconds": round(time.monotonic() - began, 1),
    }


def record(key: str, gpu_name: str | None, run: dict[str, Any]) -> None:
    final: WorkloadStatus = run["final"]
    figures = {
        "gpu": gpu_name,
        "seconds": run["seconds"],
        "iterations": final.iterations,
        "errors": final.errors,
        "metrics": dict(final.metrics),
        "details": {k: v for k, v in final.details.items() if k != "flipped_bit_histogram"},
        "temperature_c_max": run["temperature_c_max"],
        "power_w_max": run["power_w_max"],
        "sm_clock_mhz_min_max": run["sm_clock_mhz"],
    }
    print(f"\n{key}: {json.dumps(figures)}")
    FIGURES.parent.mkdir(exist_ok=True)
    existing = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    FIGURES.write_text(json.dumps({**existing, key: figures}, indent=2))


def test_fp32_burn_reaches_85_percent_of_peak_with_no_errors(gpu) -> None:
    backend, info = gpu
    run = run_for(GpuBurnWorkload(info.pci_bus_id, "gpu0"), DURATION_S, backend)
    record("fp32_burn", info.name, run)
    final = run["final"]
    assert final.failure is None and final.iterations > 0
    assert final.errors == 0
    assert final.metrics["peak_tflops"], f"no FP32 peak in the catalog for {info.name}"
    assert final.metrics["percent_of_peak"] >= 85.0


def test_vram_patterns_find_no_errors_over_most_of_the_memory(gpu) -> None:
    backend, info = gpu
    run = run_for(VramWorkload(info.pci_bus_id, "gpu0"), DURATION_S, backend)
    record("vram", info.name, run)
    final = run["final"]
    assert final.failure is None and final.errors == 0
    assert final.metrics["passes"] >= 1
    assert final.metrics["bytes_tested"] >= 0.5 * info.vram_total_bytes


def test_tensor_burn_runs_bit_exact(gpu) -> None:
    backend, info = gpu
    run = run_for(GpuBurnWorkload(info.pci_bus_id, "gpu0", mode="tensor"), min(DURATION_S, 15), backend)
    record("tensor_burn", info.name, run)
    final = run["final"]
    assert final.failure is None and final.iterations > 0 and final.errors == 0
    assert final.metrics["tflops"] and final.metrics["tflops"] > 0


def test_injected_bit_flips_are_found_on_the_real_gpu(gpu) -> None:
    backend, info = gpu
    burn = run_for(GpuBurnWorkload(info.pci_bus_id, "gpu0", inject_error_at=3), 2, backend, min_iterations=5)["final"]
    assert burn.errors == 1 and burn.details["flipped_bit_histogram"][0] == 1
    assert burn.details["first_error_word"] == 0
    settings = VramSettings(size_bytes=2**30, inject_error_at_pass=1)
    vram = run_for(VramWorkload(info.pci_bus_id, "gpu0", settings=settings), 2, backend, min_iterations=1)["final"]
    assert vram.errors == 1 and vram.details["flipped_bit_histogram"][0] == 1
    assert vram.details["first_error_address"] is not None
