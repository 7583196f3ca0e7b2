"""The planner's entry points: the catalog, a plan for a request, its document, and keeping it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.planner import catalog, document
from app.planner.compute import estimate_compute
from app.planner.hardware import HardwareCatalog, load_hardware
from app.planner.limits import check_request
from app.planner.local import local_option
from app.planner.memory import estimate_memory, memory_parts
from app.planner.options import Sizing, dedicated_options, rent_options, vps_options
from app.planner.recommend import PRIVATE, recommend
from app.planner.records import ModelSpec, Option, Plan, PlanRequest
from app.planner.words import usd_words


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
    check_request(request)
    hardware = hardware or load_hardware()
    options = _options(request, local_gpus, simulated, hardware)
    recommendation, warnings = recommend(request, options)
    if request.sensitive_data and recommendation is None and any(o.fits for o in options):
        warnings = (*warnings, _private_alternative(request, local_gpus, simulated, hardware))
    if request.workload == "qlora" and request.precision.lower() != "bf16":
        ignored = f"qlora keeps the frozen base in 4-bit NF4 with bf16 adapters: {request.precision} does not apply"
        warnings = (ignored, *warnings)
    if not local_gpus:
        warnings = ("this machine has no NVIDIA GPU the planner can use", *warnings)
    memory, compute = estimate_memory(request), estimate_compute(request)
    return Plan(request, memory, compute, options, recommendation, simulated, (*notes, *warnings))


def _options(
    request: PlanRequest, local_gpus: Sequence[tuple[str, int]], simulated: bool, hardware: HardwareCatalog
) -> tuple[Option, ...]:
    """Every option, sized and costed: this machine first, then rented, dedicated and VPS."""
    memory = estimate_memory(request)
    sizing = Sizing(request, memory_parts(request), estimate_compute(request), hardware, memory.total_bytes)
    local = local_option(sizing, local_gpus, simulated)
    return (
        *([local] if local is not None else []),
        *rent_options(sizing),
        *dedicated_options(sizing),
        *vps_options(sizing),
    )


def _private_alternative(
    request: PlanRequest, local_gpus: Sequence[tuple[str, int]], simulated: bool, hardware: HardwareCatalog
) -> str:
    """What would let sensitive data stay on private hardware: a lighter workload or precision that
    this machine or a dedicated server holds."""
    trials: list[tuple[str, PlanRequest]] = []
    if request.workload in ("full-finetune", "lora"):
        trials.append(("--workload qlora", replace(request, workload="qlora", precision="bf16")))
    if request.workload == "full-finetune":
        trials.insert(0, ("--workload lora", replace(request, workload="lora")))
    if request.workload == "inference":
        trials += [(f"--precision {p}", replace(request, precision=p)) for p in ("int8", "int4", "q4_k_m")]
    for flag, trial in trials:
        if bits_differ(request, trial):
            for option in _options(trial, local_gpus, simulated, hardware):
                if option.fits and option.kind in PRIVATE:
                    return f"what would: {flag} fits {_where(option)}"
    return "what would: a dedicated server or GPUs of your own with more memory (add one in planner_overrides.json)"


def bits_differ(request: PlanRequest, trial: PlanRequest) -> bool:
    """Whether a trial asks for less than the request (not the same precision again)."""
    return (trial.workload, trial.precision) != (request.workload, request.precision)


def _where(option: Option) -> str:
    if option.kind == "local":
        return "this machine"
    name = option.notes[0] if option.notes else option.gpu or "a dedicated server"
    monthly = "" if option.usd_per_hour is None else f" ({usd_words(option.usd_per_hour * 730)} a month)"
    return f"{name}{monthly}"


def plan_document(plan: Plan) -> dict[str, Any]:
    """The `aiwm.plan/1` document."""
    return document.plan_document(plan)


def save_plan(plan: Plan) -> Path:
    """Keep the plan in the data folder (plans/), for the report ("add to report"); returns its path."""
    return document.save_plan(plan)
