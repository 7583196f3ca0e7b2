"""The largest values the planner takes, in one place for the command line and the Planner page.

Beyond these the numbers stop meaning anything (a 10^30-parameter model, a million-month project)
and the formulas only overflow into nonsense; both front ends refuse them with one line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.core.errors import UserError
from app.planner.records import PlanRequest

MAX_PARAMS = 1e14  # 100 T parameters: ~250x the largest published dense model (Llama-3.1-405B)
MAX_TOKENS = 1e16  # 10 P tokens: ~700x Llama 3's 15 T training tokens
MAX_MONTHS = 120.0  # ten years
MAX_DEADLINE_HOURS = 87_600.0  # ten years
MAX_BUDGET_USD = 1e10
MAX_BATCH = 65_536
MAX_CONTEXT = 10_485_760  # 10 Mi tokens: more than any published model reads
MAX_LAYERS = 1000
MAX_HIDDEN = 1_000_000
MAX_HEADS = 4096


@dataclass(frozen=True)
class Bound:
    """A request field's name as the user typed it, and its largest value."""

    flag: str
    highest: float


BOUNDS = {
    "params": Bound("--params", MAX_PARAMS),
    "tokens": Bound("--tokens", MAX_TOKENS),
    "months": Bound("--months", MAX_MONTHS),
    "deadline_hours": Bound("--deadline-hours", MAX_DEADLINE_HOURS),
    "budget_usd": Bound("--budget", MAX_BUDGET_USD),
    "batch": Bound("--batch", MAX_BATCH),
    "context": Bound("--context", MAX_CONTEXT),
    "layers": Bound("--layers", MAX_LAYERS),
    "hidden": Bound("--hidden", MAX_HIDDEN),
    "heads": Bound("--heads", MAX_HEADS),
    "kv_heads": Bound("--kv-heads", MAX_HEADS),
}


def bound_problem(key: str, value: float | None) -> str | None:
    """Why `value` of the field `key` is refused (not finite, not positive, above its bound); None if fine."""
    if value is None:
        return None
    bound = BOUNDS[key]
    if not math.isfinite(value):
        return f"{bound.flag} {value:g} is not a finite number"
    if value <= 0:
        return f"{bound.flag} must be more than zero, not {value:g}"
    if value > bound.highest:
        return f"{bound.flag} {_shown(value)} is more than the most the planner takes ({_shown(bound.highest)})"
    return None


def _shown(value: float) -> str:
    """1000000000 → '1,000,000,000'; 1e30 → '1e+30' (digits stop helping beyond a quadrillion)."""
    return f"{value:,.0f}" if value == int(value) and value < 1e15 else f"{value:g}"


def check_request(request: PlanRequest) -> None:
    """Refuse a request outside the bounds with a one-line `UserError` (the engine's own guard)."""
    model = request.model
    values = {
        "params": model.params,
        "tokens": request.tokens,
        "months": request.months,
        "deadline_hours": request.deadline_hours,
        "budget_usd": request.budget_usd,
        "batch": request.batch,
        "context": request.context,
        "layers": model.layers,
        "hidden": model.hidden,
        "heads": model.heads,
        "kv_heads": model.kv_heads,
    }
    for key, value in values.items():
        problem = bound_problem(key, value)
        if problem is not None:
            raise UserError(problem)
    if not 0 < request.mfu <= 1 or not math.isfinite(request.mfu):
        raise UserError(f"--mfu must be a share of peak above 0 and at most 1, not {request.mfu:g}")
