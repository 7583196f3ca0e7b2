"""A finished stress test as the `aiwm.stress/1` JSON document: what `--json` prints and the store keeps."""

from __future__ import annotations

from typing import Any

from app import __version__
from app.core.json_values import to_json_value
from app.stress.records import STRESS_SCHEMA, StressResult


def stress_document(result: StressResult) -> dict[str, Any]:
    """The `aiwm.stress/1` document: the issue's fields first, then reasons, details and provenance."""
    return {
        "schema": STRESS_SCHEMA,
        "kind": result.kind,
        "device": result.device,
        "duration_s": result.duration_s,
        "verdict": result.verdict,
        "errors": result.errors,
        "abort_reason": result.abort_reason,
        "metrics": to_json_value(dict(result.metrics)),
        "reasons": list(result.reasons),
        "details": to_json_value(dict(result.details)),
        "simulated": result.simulated,
        "started_at": result.started_at,
        "program_version": __version__,
    }
