"""PLACEHOLDER (issue 10, planner engine helper replaces this file): the planner's entry points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.planner.records import ModelSpec, Plan, PlanRequest


def list_models() -> list[ModelSpec]:
    """Every model of the catalog, in the catalog's order."""
    raise NotImplementedError


def find_model(name: str) -> ModelSpec:
    """A catalog model by name (case-insensitive); an unknown name is a one-line UserError."""
    raise NotImplementedError


def make_plan(request: PlanRequest, local_gpus: Sequence[tuple[str, int]], simulated: bool = False) -> Plan:
    """Size the work and cost every option; `local_gpus` are this machine's (name, vram_bytes)."""
    raise NotImplementedError


def plan_document(plan: Plan) -> dict[str, Any]:
    """The `aiwm.plan/1` document."""
    raise NotImplementedError


def save_plan(plan: Plan) -> Any:
    """Keep the plan in the data folder (plans/), for the report ("add to report"); returns its path."""
    raise NotImplementedError
