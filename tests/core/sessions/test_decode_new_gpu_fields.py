"""Records written before the energy, PCIe replay, memory temperature and XID fields existed still
load (those fields come back missing), and records that hold them keep them through the file."""

from __future__ import annotations

import json

from app.core.gpu.catalog import default_catalog
from app.core.gpu.records import GpuSetReading, NvidiaStatus
from app.core.gpu.simulated import SimulatedGpu
from app.core.json_values import to_json_value
from app.core.sessions.decode import decode_reading
from app.fleet.wire import parse_item
from tests.conftest import DATA

NEW_FIELDS = ("energy_mj", "pcie_replay_count", "memory_temperature_c", "last_xid")


def _a100_reading() -> GpuSetReading:
    gpu = SimulatedGpu(default_catalog()["a100-80gb"], 0, start_s=0.0)
    gpu.set_load(1.0)
    gpu.advance_to(30.0)
    return GpuSetReading(NvidiaStatus("ok", None, None, None, simulated=True), (gpu.reading(),))


def test_a_gpu_detail_without_the_new_fields_loads_with_them_missing() -> None:
    detail = json.loads(json.dumps(to_json_value(_a100_reading())))
    for gpu in detail["gpus"]:
        for name in NEW_FIELDS:
            del gpu[name]
    decoded = decode_reading("gpu", detail)
    assert isinstance(decoded, GpuSetReading)
    assert all(getattr(decoded.gpus[0], name) is None for name in NEW_FIELDS)
    assert decoded.gpus[0].temperature_c is not None


def test_a_stream_recorded_before_the_new_fields_still_decodes() -> None:
    """tests/data/fleet/example_stream.jsonl was recorded from `aiwm stream --demo` before these fields."""
    lines = (DATA / "fleet" / "example_stream.jsonl").read_text().splitlines()[1:]
    gpu_lines = [line for line in lines if json.loads(line).get("source") == "gpu"]
    assert gpu_lines and all("energy_mj" not in line for line in gpu_lines)
    for line in gpu_lines:
        sample = parse_item(line)
        assert sample is not None and isinstance(sample.reading, GpuSetReading)  # type: ignore[union-attr]
        assert [g.energy_mj for g in sample.reading.gpus] == [None, None]  # type: ignore[union-attr]


def test_the_new_fields_survive_the_session_file() -> None:
    reading = _a100_reading()
    assert reading.gpus[0].energy_mj and reading.gpus[0].memory_temperature_c
    decoded = decode_reading("gpu", json.loads(json.dumps(to_json_value(reading))))
    assert decoded == reading
