"""The `aiwm.thermal/1` document: what `aiwm thermal --json` prints and the store keeps."""

from __future__ import annotations

from typing import Any

from app import __version__
from app.core.json_values import to_json_value
from app.stress.records import THERMAL_SCHEMA, ThermalResult


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
