"""The facts as the `aiwm.facts/1` JSON document: the issue's fields (os, nvidia_driver, gpus,
cuda_toolkit, cudnn, frameworks) plus what the live gathering adds (toolkits, cudnns, nvml_error,
kernel_module_version, nouveau_loaded, cuda_library_paths, system, simulated, missing).

`missing` is an object keyed by each null's path (`frameworks[0].arch_list`), as in `aiwm snapshot`:
every null has its reason, also those that mean "none" (no NVML error, a CPU-only build).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.core.json_values import to_json_value
from app.doctor.records import FACTS_SCHEMA, Facts

# What a null means for fields where None is an answer rather than an unknown.
NULL_MEANINGS = {
    "nvml_error": "no NVML error: NVML answered (or the GPUs are SIMULATED)",
    "error": "it imported without error",
    "cuda": "no CUDA: a CPU-only build, or it failed to import (see error)",
    "cudnn": "the framework reports no cuDNN (CPU-only, or it does not say)",
    "arch_list": "the framework does not list its architectures: the knowledge tables decide",
    "cuda_available": "the framework did not say whether it can use CUDA",
    "cuda_major": "a header or library does not say which CUDA it was built for",
    "environment": "the Python environment was not recorded",
    "python": "the Python version was not reported",
    "companions": "which torchvision/torchaudio are installed was not reported",
    "problem": "the environment answered",
    "ssh_server_installed": "whether an SSH server is installed was not read",
    "data_folder": "the data folder was not recorded",
    "data_device": "the device that holds the data folder was not read",
}


def facts_to_json(facts: Facts) -> dict[str, Any]:
    """The facts as a JSON-ready dict with `"schema": "aiwm.facts/1"` first."""
    doc: dict[str, Any] = {"schema": FACTS_SCHEMA}
    doc.update(to_json_value(facts))
    for framework, fact in zip(doc["frameworks"], facts.frameworks, strict=True):
        if fact.companions is not None:  # {"torchvision": "0.23.0"}: the form a facts file is written in
            framework["companions"] = dict(fact.companions)
    missing = {path: why for path, why in facts.missing}
    for path in _null_paths({key: value for key, value in doc.items() if key != "missing"}):
        if path not in missing:
            missing[path] = NULL_MEANINGS.get(path.rsplit(".", 1)[-1], "not reported")
    doc["missing"] = missing
    return doc


def _null_paths(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _null_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _null_paths(item, f"{path}[{index}]")
    elif value is None:
        yield path
