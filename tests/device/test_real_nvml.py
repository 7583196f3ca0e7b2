"""The NVML adapter against the real driver. Run by `make device-check` on a machine with an NVIDIA GPU;
`make test` deselects them (-m "not device"), since CI machines have no GPU."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app.core.gpu.nvml_source import NvidiaBackend

pytestmark = pytest.mark.device


@pytest.fixture(scope="module")
def backend():
    opened = NvidiaBackend()
    assert opened.status().status == "ok", opened.status().status
    yield opened
    opened.close()


def test_nvml_real_driver_reports_versions_and_gpus(backend) -> None:
    status = backend.status()
    assert status.driver_version and status.cuda_driver_version and status.nvml_version
    assert backend.gpu_count >= 1


def test_nvml_real_inventory_has_identity_memory_and_limits(backend) -> None:
    for info in backend.inventory():
        assert info.name and info.uuid and info.uuid.startswith("GPU-")
        assert info.vram_total_bytes and info.vram_total_bytes > 2**30
        assert info.compute_capability and info.compute_capability[0].isdigit()
        assert info.power_enforced_w and info.power_enforced_w > 10
        assert info.pcie_gen_max and info.pcie_width_max


def test_nvml_real_readings_are_plausible(backend) -> None:
    for gpu in backend.read().gpus:
        assert not gpu.lost
        assert gpu.temperature_c is not None and 5 < gpu.temperature_c < 110
        assert gpu.util_percent is not None and 0 <= gpu.util_percent <= 100
        assert gpu.power_w is not None and 0 < gpu.power_w < 2000
        assert gpu.vram_used_bytes is not None and gpu.vram_total_bytes and gpu.vram_used_bytes <= gpu.vram_total_bytes
        assert gpu.sm_clock_mhz and gpu.mem_clock_mhz
        assert gpu.clock_event_reasons is not None
        for name, why in gpu.missing:
            print(f"gpu{gpu.index}.{name}: {why}")


def test_nvml_real_unsupported_calls_are_not_retried(backend) -> None:
    backend.read()
    first = {(g.index, name) for g in backend.read().gpus for name, _ in g.missing}
    for index, name in first:
        assert backend.session.is_unsupported(index, name) or name in {"all"}, f"{name} would be retried"


def test_nvml_real_pcie_throughput_reads(backend) -> None:
    for link in backend.read_pcie().gpus:
        assert link.tx_bytes_per_s is None or link.tx_bytes_per_s >= 0


def test_nvml_real_snapshot_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "snapshot", "--json"], capture_output=True, text=True, timeout=120, check=True
    )
    doc = json.loads(done.stdout)
    assert doc["simulated"] is False and doc["gpus"] and all(not g["simulated"] for g in doc["gpus"])
