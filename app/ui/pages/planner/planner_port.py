"""What the Planner page needs from the planner engine, and the real engine, loaded when first used.

The page is built against these five functions only (`app.planner.plan`'s public names), so a
test hands it a fake and the window opens even where the engine cannot load.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, Protocol, cast

from app.planner.records import ModelSpec, Plan, PlanRequest


class Planner(Protocol):
    """The planner engine's entry points, as `app.planner.plan` defines them."""

    def list_models(self) -> list[ModelSpec]: ...

    def find_model(self, name: str) -> ModelSpec: ...

    def make_plan(
        self, request: PlanRequest, local_gpus: Sequence[tuple[str, int]], simulated: bool = False
    ) -> Plan: ...

    def plan_document(self, plan: Plan) -> dict[str, Any]: ...

    def save_plan(self, plan: Plan) -> Any: ...


def load_planner() -> Planner:
    """The real engine module (`app.planner.plan`)."""
    return cast(Planner, importlib.import_module("app.planner.plan"))


class LazyPlanner:
    """The real engine, imported at its first use rather than when the window starts."""

    def list_models(self) -> list[ModelSpec]:
        return load_planner().list_models()

    def find_model(self, name: str) -> ModelSpec:
        return load_planner().find_model(name)

    def make_plan(self, request: PlanRequest, local_gpus: Sequence[tuple[str, int]], simulated: bool = False) -> Plan:
        return load_planner().make_plan(request, local_gpus, simulated)

    def plan_document(self, plan: Plan) -> dict[str, Any]:
        return load_planner().plan_document(plan)

    def save_plan(self, plan: Plan) -> Any:
        return load_planner().save_plan(plan)
