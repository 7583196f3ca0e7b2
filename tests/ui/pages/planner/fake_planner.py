"""A fake planner engine that records what it was asked and answers from a script, and GPUs to plan on."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.core.gpu.records import GpuInfo
from app.planner.records import ModelSpec, Plan, PlanRequest
from tests.ui.pages.planner.plans import CATALOG, LORA_PLAN

SAVED_TO = Path("/home/ana/.local/share/aiwm/plans/plan-20261128-145000.json")


class FakePlanner:
    """The engine's five functions; `plan` may be an exception to raise. Records every call."""

    def __init__(self, plan: Plan | BaseException = LORA_PLAN, models: Sequence[ModelSpec] | BaseException = CATALOG):
        self.plan, self.models = plan, models
        self.requests: list[tuple[PlanRequest, tuple[tuple[str, int], ...], bool]] = []
        self.saved: list[Plan] = []

    def list_models(self) -> list[ModelSpec]:
        if isinstance(self.models, BaseException):
            raise self.models
        return list(self.models)

    def find_model(self, name: str) -> ModelSpec:
        return next(m for m in CATALOG if m.name.lower() == name.lower())

    def make_plan(self, request: PlanRequest, local_gpus: Sequence[tuple[str, int]], simulated: bool = False) -> Plan:
        self.requests.append((request, tuple(local_gpus), simulated))
        if isinstance(self.plan, BaseException):
            raise self.plan
        return self.plan

    def plan_document(self, plan: Plan) -> dict[str, Any]:
        return {"schema": "aiwm.plan/1", "recommendation": {"kind": "local", "option_index": 0}}

    def save_plan(self, plan: Plan) -> Path:
        self.saved.append(plan)
        return SAVED_TO


def gpu(index: int, name: str | None, vram_bytes: int | None, simulated: bool = True) -> GpuInfo:
    info = GpuInfo.unreadable(index, "test")
    return GpuInfo(
        **{**info.__dict__, "name": name, "vram_total_bytes": vram_bytes, "simulated": simulated, "missing": ()}
    )


RTX_4090 = gpu(0, "NVIDIA GeForce RTX 4090", 25_757_220_864)
