"""Records written to a session come back as the same records (for replay)."""

from __future__ import annotations

import json
import time

from app.core.clock import ScaledClock
from app.core.gpu.catalog import parse_demo_profiles
from app.core.gpu.simulated_backend import SimulatedBackend
from app.core.json_values import to_json_value
from app.core.sessions.decode import decode_reading
from app.core.sources.host import CpuSource, MemorySource, NetworkSource


def _round_trip(source: str, reading: object) -> object:
    return decode_reading(source, json.loads(json.dumps(to_json_value(reading))))


def test_gpu_readings_survive_the_session_file() -> None:
    backend = SimulatedBackend(parse_demo_profiles(None), ScaledClock(100.0))
    time.sleep(0.2)
    reading = backend.read()
    assert reading.gpus[0].processes, "the demo's training job holds GPU 0"
    assert _round_trip("gpu", reading) == reading


def test_host_readings_survive_the_session_file() -> None:
    cpu = CpuSource()
    cpu.read()
    for source, reading in (
        ("cpu", cpu.read()),
        ("memory", MemorySource().read()),
        ("network", NetworkSource().read()),
    ):
        assert _round_trip(source, reading) == reading


def test_unknown_sources_and_bad_details_decode_to_none() -> None:
    assert decode_reading("toaster", {"x": 1}) is None
    assert decode_reading("memory", {"total_bytes": 1}) is None
    assert decode_reading("gpu", None) is None


def test_details_of_the_wrong_shape_decode_to_none() -> None:
    """Valid JSON that is not the record: a list for an object, a word for a number, a number for a list."""
    assert decode_reading("memory", [1, 2]) is None
    good = {"util_percent": 1.0, "per_core_percent": [1.0], "freq_mhz": 1.0, "load_1m": 0.5, "temperature_c": None}
    assert decode_reading("cpu", good) is not None
    assert decode_reading("cpu", {**good, "util_percent": "hot"}) is None
    assert decode_reading("cpu", {**good, "per_core_percent": 7}) is None
