"""Each kind of `aiwm.stream/1` line survives writing and reading: the recorded demo stream
(tests/data/fleet/example_stream.jsonl, a real `--demo` run) is read, written again and compared."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from app.core.records import CpuReading
from app.core.sampling.sample import Sample
from app.fleet.records import StreamAlert, StreamDropped
from app.fleet.wire import alert_line, dropped_line, header_line, parse_header, parse_item, sample_line

EXAMPLE = Path(__file__).parents[1] / "data" / "fleet" / "example_stream.jsonl"
LINES = EXAMPLE.read_text().splitlines()
# GpuReading fields added after the recording (optional, default None): written again they are null.
GPU_FIELDS_NEWER_THAN_THE_RECORDING = ("energy_mj", "pcie_replay_count", "memory_temperature_c", "last_xid")


def _as_written_today(recorded: dict[str, Any]) -> dict[str, Any]:
    """The recorded line with the GPU fields it predates added as null, as today's writer writes it."""
    if recorded.get("source") == "gpu":
        for gpu in recorded["detail"]["gpus"]:
            for name in GPU_FIELDS_NEWER_THAN_THE_RECORDING:
                gpu.setdefault(name, None)
    return recorded


def test_the_recorded_header_written_again_is_the_same_json_and_parses_equal() -> None:
    header = parse_header(LINES[0])
    again = header_line(
        header.host, header.simulated, header.interval_s, header.started_at, header.inventory, header.program_version
    )
    assert json.loads(again) == json.loads(LINES[0])
    assert parse_header(again) == header
    assert (header.host, header.simulated, header.interval_s) == ("demo-host", True, 1.0)


@pytest.mark.parametrize("number", range(1, len(LINES)))
def test_each_recorded_sample_written_again_is_the_same_json_and_parses_equal(number: int) -> None:
    sample = parse_item(LINES[number])
    assert isinstance(sample, Sample) and sample.reading is not None
    again = sample_line(sample)
    assert json.loads(again) == _as_written_today(json.loads(LINES[number]))
    assert parse_item(again) == sample


def test_an_alert_line_parses_to_the_values_written() -> None:
    line = alert_line(1795886835.25, "alert_fired", "gpu0 (RTX 4090): 91 °C, above the 90 °C limit")
    assert json.loads(line)["type"] == "alert"
    assert parse_item(line) == StreamAlert(
        1795886835.25, "alert_fired", "gpu0 (RTX 4090): 91 °C, above the 90 °C limit"
    )


def test_a_dropped_line_parses_to_the_values_written() -> None:
    assert parse_item(dropped_line(1795886840.0, 17)) == StreamDropped(1795886840.0, 17)


def test_a_nan_reading_field_is_written_as_null_and_read_back_as_missing() -> None:
    reading = CpuReading(math.nan, (12.5, 50.0), math.inf, 0.25, None)
    line = sample_line(Sample("cpu", 1.0, 1795886831.0, 0.0, 0.0, reading))
    detail = json.loads(line)["detail"]  # strict JSON: no NaN or Infinity tokens
    assert "NaN" not in line and "Infinity" not in line
    assert detail["util_percent"] is None and detail["freq_mhz"] is None
    parsed = parse_item(line)
    assert isinstance(parsed, Sample) and isinstance(parsed.reading, CpuReading)
    assert parsed.reading.util_percent is None and parsed.reading.freq_mhz is None
    assert parsed.reading.per_core_percent == (12.5, 50.0) and parsed.reading.load_1m == 0.25


def test_a_failed_read_round_trips_with_its_reason_and_no_reading() -> None:
    failed = Sample("gpu", 1.0, 1795886831.0, 0.0, 0.0, None, error="NVMLError_GpuIsLost: GPU is lost")
    assert parse_item(sample_line(failed)) == failed
