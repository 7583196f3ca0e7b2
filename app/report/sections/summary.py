"""The summary: the overall state from the doctor and the latest tests, and what the machine is
fit for, from the planner (the largest catalog model each kind of work fits on this machine)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_RANK = {"pass": 0, "unknown": 1, "warn": 2, "fail": 3}
_VERDICT = {"pass": "pass", "warn": "warn", "inconclusive": "warn", "fail": "fail", "aborted": "warn"}
FIT_WORK = (
    ("inference", "runs {model} in bf16"),
    ("lora", "fine-tunes {model} with LoRA"),
    ("full-finetune", "fully fine-tunes {model}"),
)


def overall(doctor: str | None, verdicts: Sequence[str]) -> str:
    """The worst of the doctor's overall and the tests' verdicts; unknown with neither."""
    states = ([doctor] if doctor else []) + [_VERDICT.get(v, "unknown") for v in verdicts]
    if not states:
        return "unknown"
    return max(states, key=lambda s: _RANK.get(s, 1))


def fit_for(local_gpus: Sequence[tuple[str, int]], simulated: bool, missing: dict[str, str]) -> list[str]:
    """ "runs Llama-3.1-8B in bf16"-style lines: the largest model each workload fits locally."""
    if not local_gpus:
        missing["summary.fit_for"] = "no GPU on this machine: the planner sizes GPU work"
        return []
    try:
        from app.planner.plan import list_models, make_plan
        from app.planner.records import PlanRequest

        models = list_models()
        lines = []
        for workload, template in FIT_WORK:
            fitting = [m for m in models if _fits_locally(make_plan(PlanRequest(m, workload), local_gpus, simulated))]  # type: ignore[arg-type]
            if fitting:
                best = max(fitting, key=lambda m: m.params)
                lines.append(template.format(model=best.name))
        return lines
    except NotImplementedError:
        missing["summary.fit_for"] = "the planner is not available in this build (app/planner/plan.py)"
    except Exception as error:  # a planner failure must not stop the report
        missing["summary.fit_for"] = f"the planner failed: {type(error).__name__}: {error}"
    return []


def _fits_locally(plan: Any) -> bool:
    return any(option.kind == "local" and option.fits for option in plan.options)
