"""The GPU catalog in `resources/gpu_catalog.json`: published specs plus the simulation's model values."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.core.errors import UserError
from app.core.gpu.thermal import ThermalParams
from app.core.paths import resources_dir

DEFAULT_DEMO = ("rtx4090", "rtx3090")


@dataclass(frozen=True)
class GpuSpec:
    """A card as published; the simulated GPU's ceilings and thresholds."""

    name: str
    vram_total_bytes: int
    compute_capability: str
    power_default_w: float
    power_min_w: float
    power_max_w: float
    boost_clock_mhz: float
    base_clock_mhz: float
    mem_clock_mhz: float
    temp_max_operating_c: float
    temp_slowdown_c: float
    temp_shutdown_c: float
    temp_target_c: float | None
    pcie_gen_max: int
    pcie_width_max: int
    fan_count: int
    ecc: bool
    mig_capable: bool


@dataclass(frozen=True)
class GpuProfile:
    key: str
    spec: GpuSpec
    thermal: ThermalParams
    idle_power_w: float
    full_load_power_w: float  # what a full load would draw without the power limit
    why: str | None = None  # what is wrong with a degraded variant


def load_catalog(path: Path | None = None) -> dict[str, GpuProfile]:
    """Every profile in the catalog, variants included; a broken file is a one-line `UserError`."""
    source = path or resources_dir() / "gpu_catalog.json"
    try:
        doc = json.loads(source.read_text(encoding="utf-8"))
        return _profiles(doc)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UserError(f"GPU catalog {source} is unreadable: {type(error).__name__}: {error}") from None


@lru_cache(maxsize=1)
def default_catalog() -> dict[str, GpuProfile]:
    return load_catalog()


def _profiles(doc: dict[str, Any]) -> dict[str, GpuProfile]:
    profiles = {key: _profile(key, entry["spec"], entry["model"]) for key, entry in doc["gpus"].items()}
    for key, variant in doc.get("variants", {}).items():
        base = doc["gpus"][variant["base"]]
        profiles[key] = _profile(key, base["spec"], {**base["model"], **variant["model"]}, variant.get("why"))
    return profiles


def _profile(key: str, spec: dict[str, Any], model: dict[str, Any], why: str | None = None) -> GpuProfile:
    thermal_names = {f.name for f in fields(ThermalParams)}
    return GpuProfile(
        key=key,
        spec=GpuSpec(**_as_declared(spec)),
        thermal=ThermalParams(**{k: float(v) for k, v in model.items() if k in thermal_names}),
        idle_power_w=float(model["idle_power_w"]),
        full_load_power_w=float(model["full_load_power_w"]),
        why=why,
    )


def _as_declared(spec: dict[str, Any]) -> dict[str, Any]:
    """JSON writes 450 for 450.0; give float fields floats so every reading has one type."""
    floats = {f.name for f in fields(GpuSpec) if str(f.type).startswith("float")}
    return {k: float(v) if k in floats and v is not None else v for k, v in spec.items()}


@dataclass(frozen=True)
class ComputePeak:
    """A card's published peak rates: FP32 = SMs x FP32 lanes per SM x 2 x boost clock."""

    name: str  # as the driver reports it (NVML and CUDA agree)
    sm_count: int
    fp32_lanes_per_sm: int
    boost_clock_mhz: float
    fp32_tflops: float
    tensor_fp16_tflops: float | None  # dense FP16 mma with FP32 accumulate; None: not in the table


def load_compute_peaks(path: Path | None = None) -> dict[str, ComputePeak]:
    """The `compute_peaks` table, keyed by GPU name; a broken file is a one-line `UserError`."""
    source = path or resources_dir() / "gpu_catalog.json"
    try:
        table = json.loads(source.read_text(encoding="utf-8")).get("compute_peaks", {})
        return {
            name: ComputePeak(
                name=name,
                sm_count=int(entry["sm_count"]),
                fp32_lanes_per_sm=int(entry["fp32_lanes_per_sm"]),
                boost_clock_mhz=float(entry["boost_clock_mhz"]),
                fp32_tflops=float(entry["fp32_tflops"]),
                tensor_fp16_tflops=None if entry["tensor_fp16_tflops"] is None else float(entry["tensor_fp16_tflops"]),
            )
            for name, entry in table.items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise UserError(f"GPU catalog {source} is unreadable: {type(error).__name__}: {error}") from None


@lru_cache(maxsize=1)
def default_compute_peaks() -> dict[str, ComputePeak]:
    return load_compute_peaks()


def peak_tflops(gpu_name: str, kind: str = "fp32", peaks: dict[str, ComputePeak] | None = None) -> float | None:
    """The catalog's peak for a GPU by its driver name: "fp32" or "tensor" (FP16 mma, FP32 accumulate).
    None for a card the table lacks: a percentage against a guessed peak would mislead."""
    table = peaks if peaks is not None else default_compute_peaks()
    peak = table.get(" ".join(gpu_name.split()))
    if peak is None:
        return None
    return peak.fp32_tflops if kind == "fp32" else peak.tensor_fp16_tflops


def parse_demo_profiles(text: str | None, catalog: dict[str, GpuProfile] | None = None) -> list[GpuProfile]:
    """`--demo` alone gives a two-GPU workstation; `--demo a100-80gb,rtx4090` lists the GPUs."""
    catalog = catalog if catalog is not None else default_catalog()
    keys = [k.strip() for k in text.split(",")] if text else list(DEFAULT_DEMO)
    unknown = [k for k in keys if k not in catalog]
    if unknown or not keys:
        raise UserError(f"unknown demo GPU {', '.join(unknown) or '(none)'}; choose from {', '.join(sorted(catalog))}")
    return [catalog[k] for k in keys]
