"""The planner's entry points: the catalog, a plan for a request, its document, and keeping it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.planner import catalog, document
from app.planner.compute import estimate_compute
from app.planner.hardware import HardwareCatalog, load_hardware
from app.planner.local import local_option
from app.planner.memory import estimate_memory, memory_parts
from app.planner.options import Sizing, dedicated_options, rent_options, vps_options
from app.planner.recommend import recommend
from app.planner.records import ModelSpec, Plan, PlanRequest


def list_models() -> list[ModelSpec]:
    """Every model of the catalog, in the catalog's order."""
    return catalog.list_models()


def find_model(name: str) -> ModelSpec:
    """A catalog model by name (case-insensitive); an unknown name is a one-line UserError."""
    return catalog.find_model(name)


def make_plan(
    request: PlanRequest,
    local_gpus: Sequence[tuple[str, int]],
    simulated: bool = False,
    hardware: HardwareCatalog | None = None,
    notes: Sequence[str] = (),
) -> Plan:
    """Size the work and cost every option; `local_gpus` are this machine's (name, vram_bytes).

    `hardware` defaults to the shipped catalog with the user's overrides; `notes` (such as a custom
    model's estimated shape) travel into the plan's warnings.
    """
    hardware = hardware or load_hardware()
    compute = estimate_compute(request)
    memory = estimate_memory(request)
    sizing = Sizing(request, memory_parts(request), compute, hardware, memory.total_bytes)
    local = local_option(sizing, local_gpus, simulated)
    options = (
        *([local] if local is not None else []),
        *rent_options(sizing),
        *dedicated_options(sizing),
        *vps_options(sizing),
    )
    recommendation, warnings = recommend(request, options)
    if not local_gpus:
        warnings = ("this machine has no NVIDIA GPU the planner can use", *warnings)
    return Plan(request, memory, compute, options, recommendation, simulated, (*notes, *warnings))


def plan_document(plan: Plan) -> dict[str, Any]:
    """The `aiwm.plan/1` document."""
    return document.plan_document(plan)


def save_plan(plan: Plan) -> Path:
    """Keep the plan in the data folder (plans/), for the report ("add to report"); returns its path."""
    return document.save_plan(plan)
