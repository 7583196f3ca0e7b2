"""The `aiwm.thermal/1` document: what `aiwm thermal --json` prints and the store keeps."""

from __future__ import annotations

from typing import Any

from app import __version__
from app.core.json_values import to_json_value
from app.stress.records import THERMAL_SCHEMA, ThermalResult
from app.stress.thermal.series import ThermalSeries

SERIES_POINTS = 600  # what the report draws; a 20-minute test at 1 s keeps every other reading


def thermal_document(result: ThermalResult) -> dict[str, Any]:
    """The result as JSON-ready values; `simulated_truth` only for a simulated GPU."""
    doc: dict[str, Any] = {
        "schema": THERMAL_SCHEMA,
        "device": result.device,
        "started_at": result.started_at,
        "verdict": result.verdict,
        "reasons": list(result.reasons),
        "abort_reason": result.abort_reason,
        "metrics": to_json_value(dict(result.metrics)),
        "phases": [to_json_value(p) for p in result.phases],
        "baseline_comparison": list(result.baseline_comparison),
        "simulated": result.simulated,
        "details": to_json_value(dict(result.details)),
        "program_version": __version__,
    }
    if result.simulated_truth is not None:
        doc["simulated_truth"] = to_json_value(dict(result.simulated_truth))
    return doc


def series_document(series: ThermalSeries, device: str) -> dict[str, Any]:
    """The readings to draw the test again (the report, past runs): temperature, SM clock and power
    against seconds since the start, and the workload's throughput, each thinned to at most
    `SERIES_POINTS` by keeping every k-th reading (the metrics keep the exact peak and steady values)."""
    rows = _every_kth(len(series.times_s))
    polls = _every_kth(len(series.throughput_times_s))
    return {
        "t": [round(series.times_s[i], 3) for i in rows],
        "temperature_c": [series.temperature_c[i] for i in rows],
        "sm_clock_mhz": [series.column(series.sm_clock_mhz)[i] for i in rows],
        "power_w": [series.column(series.power_w)[i] for i in rows],
        "throughput_t": [round(series.throughput_times_s[i], 3) for i in polls],
        "throughput": [series.throughput[i] for i in polls],
        "throughput_unit": "TFLOPS" if device.startswith("gpu") else "GFLOPS",
    }


def _every_kth(count: int) -> range:
    return range(0, count, -(-count // SERIES_POINTS) if count else 1)
