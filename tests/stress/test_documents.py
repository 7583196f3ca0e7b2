"""The `aiwm.stress/1` document: the issue's fields, with the result's values, JSON-ready."""

from __future__ import annotations

import json

from app import __version__
from app.stress.documents import stress_document
from app.stress.records import StressResult


def test_stress_document_has_the_issues_fields_in_order_then_provenance() -> None:
    result = StressResult(
        kind="gpu",
        device="gpu0",
        started_at="2026-11-02T09:15:42.512Z",
        duration_s=60.0,
        verdict="warn",
        errors=0,
        abort_reason=None,
        metrics={"tflops": 40.0, "peak_tflops": 82.6, "percent_of_peak": 48.4, "nan_metric": float("nan")},
        reasons=("achieved 40.0 TFLOPS",),
        details={"guards_active": ("GPU 0 below slowdown 96 °C − 2 °C",)},
        simulated=True,
    )
    doc = stress_document(result)
    assert list(doc)[:8] == ["schema", "kind", "device", "duration_s", "verdict", "errors", "abort_reason", "metrics"]
    assert doc == {
        "schema": "aiwm.stress/1",
        "kind": "gpu",
        "device": "gpu0",
        "duration_s": 60.0,
        "verdict": "warn",
        "errors": 0,
        "abort_reason": None,
        "metrics": {"tflops": 40.0, "peak_tflops": 82.6, "percent_of_peak": 48.4, "nan_metric": None},
        "reasons": ["achieved 40.0 TFLOPS"],
        "details": {"guards_active": ["GPU 0 below slowdown 96 °C − 2 °C"]},
        "simulated": True,
        "started_at": "2026-11-02T09:15:42.512Z",
        "program_version": __version__,
    }
    json.dumps(doc, allow_nan=False)  # strict JSON: no NaN
