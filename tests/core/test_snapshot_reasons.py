"""Why a GPU has no reading in the snapshot: the source failed, or it did not list that GPU."""

from __future__ import annotations

from app.core.gpu.catalog import default_catalog
from app.core.gpu.records import GpuSetReading, NvidiaStatus
from app.core.gpu.simulated import SimulatedGpu
from app.core.snapshot import _gpus

STATUS = NvidiaStatus("SIMULATED", None, None, None, simulated=True)


def _two_gpus() -> tuple[SimulatedGpu, SimulatedGpu]:
    profile = default_catalog()["rtx4090"]
    return SimulatedGpu(profile, 0, start_s=0.0), SimulatedGpu(profile, 1, start_s=0.0)


def test_a_gpu_the_reading_does_not_list_is_explained() -> None:
    first, second = _two_gpus()
    missing: dict[str, str] = {}
    docs = _gpus((first.info(), second.info()), GpuSetReading(STATUS, (first.reading(),)), None, missing)
    assert len(docs) == 2
    assert missing["gpus[1]"] == "gpu lists no counters for this device"
    assert "gpus[0]" not in missing
    assert missing["gpus[0].pcie_tx_bytes_per_s"] == "no gpu_pcie source on this machine"


def test_a_failed_gpu_source_is_the_reason_for_every_gpu() -> None:
    first, second = _two_gpus()
    missing: dict[str, str] = {}
    _gpus((first.info(), second.info()), "RuntimeError: boom", None, missing)
    assert missing["gpus"] == "RuntimeError: boom"
    assert missing["gpus[0]"] == missing["gpus[1]"] == "gpu failed: RuntimeError: boom"
