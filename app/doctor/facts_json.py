"""The facts as the `aiwm.facts/1` JSON document: the issue's fields (os, nvidia_driver, gpus,
cuda_toolkit, cudnn, frameworks) plus what the live gathering adds (toolkits, cudnns, nvml_error,
kernel_module_version, nouveau_loaded, cuda_library_paths, system, simulated, missing).
`missing` is an object keyed by the fact's path, as in `aiwm snapshot`.
"""

from __future__ import annotations

from typing import Any

from app.core.json_values import to_json_value
from app.doctor.records import FACTS_SCHEMA, Facts


def facts_to_json(facts: Facts) -> dict[str, Any]:
    """The facts as a JSON-ready dict with `"schema": "aiwm.facts/1"` first."""
    doc: dict[str, Any] = {"schema": FACTS_SCHEMA}
    doc.update(to_json_value(facts))
    doc["missing"] = {path: why for path, why in facts.missing}
    return doc
