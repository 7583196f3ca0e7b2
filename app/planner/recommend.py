"""Which option to take, and why: this machine first when it fits and meets the deadline; sensitive
data on dedicated or local hardware rather than shared rented GPUs; small pilots on a VPS; long
projects on a fixed monthly server when that costs less; heavy work on a budget on rented GPUs."""

from __future__ import annotations

from collections.abc import Sequence

from app.planner.records import Option, PlanRequest, Recommendation


def recommend(request: PlanRequest, options: Sequence[Option]) -> tuple[Recommendation | None, tuple[str, ...]]:
    """The recommendation (None when nothing fits) and warnings for the user."""
    fitting = [i for i, option in enumerate(options) if option.fits]
    if not fitting:
        return None, (_nothing_fits(request, options),)
    usable = [i for i in fitting if _meets_limits(request, options[i])]
    warnings: list[str] = []
    if not usable:
        warnings.append(_limits_missed(request))
        usable = fitting
    choice = _choose(request, options, usable)
    return Recommendation(options[choice[0]].kind, choice[0], tuple(choice[1])), tuple(warnings)


def _meets_limits(request: PlanRequest, option: Option) -> bool:
    hours_ok = request.deadline_hours is None or (
        option.estimated_hours is not None and option.estimated_hours <= request.deadline_hours
    )
    budget_ok = request.budget_usd is None or (
        option.estimated_cost_usd is not None and option.estimated_cost_usd <= request.budget_usd
    )
    return hours_ok and budget_ok


def _cheapest(options: Sequence[Option], indexes: Sequence[int]) -> int | None:
    """The option of least estimated cost; when the hours (so the costs) are unknown, the least per hour."""
    priced = [i for i in indexes if options[i].estimated_cost_usd is not None]
    if priced:
        return min(priced, key=lambda i: options[i].estimated_cost_usd or 0.0)
    hourly = [i for i in indexes if options[i].usd_per_hour is not None]
    if hourly:
        return min(hourly, key=lambda i: options[i].usd_per_hour or 0.0)
    return indexes[0] if indexes else None


def _of_kind(options: Sequence[Option], indexes: Sequence[int], kind: str) -> list[int]:
    return [i for i in indexes if options[i].kind == kind]


def _choose(request: PlanRequest, options: Sequence[Option], usable: Sequence[int]) -> tuple[int, list[str]]:
    local = _of_kind(options, usable, "local")
    if local:
        return local[0], [
            "this machine fits the work" + _limits_text(request),
            "no rent to pay and the data stays here",
        ]
    if request.sensitive_data:
        dedicated = _cheapest(options, _of_kind(options, usable, "dedicated"))
        if dedicated is not None:
            return dedicated, [
                "sensitive data: a dedicated server keeps it off shared rented GPUs",
                *_cost(options[dedicated]),
            ]
    vps = _cheapest(options, _of_kind(options, usable, "vps"))
    if request.workload == "inference" and vps is not None:
        return vps, ["a small model: a CPU-only VPS runs it for a fixed monthly price", *_cost(options[vps])]
    rent = _cheapest(options, _of_kind(options, usable, "rent"))
    dedicated = _cheapest(options, _of_kind(options, usable, "dedicated"))
    if dedicated is not None and (rent is None or _costs_no_more(options[dedicated], options[rent])):
        why = "long-running: the fixed monthly price costs no more than renting by the hour"
        if rent is None:
            why = "the only kind of server that fits: a dedicated one"
        return dedicated, [why, *_cost(options[dedicated])]
    if rent is not None:
        reasons = ["rented GPUs: pay only for the hours the work takes, the cheapest that fits"]
        if options[rent].estimated_cost_usd is None:
            reasons = ["rented GPUs, the lowest price per hour that fits; give --tokens or --months to cost the work"]
        if request.sensitive_data:
            reasons.append("sensitive data on shared rented GPUs: check the provider's isolation and data terms")
        return rent, [*reasons, *_cost(options[rent])]
    return usable[0], ["the only option that fits"]


def _costs_no_more(option: Option, other: Option) -> bool:
    """Whether `option` costs no more than `other`; unknown costs compare as neither."""
    if option.estimated_cost_usd is None or other.estimated_cost_usd is None:
        return False
    return option.estimated_cost_usd <= other.estimated_cost_usd


def _cost(option: Option) -> list[str]:
    if option.estimated_cost_usd is None:
        return []
    hours = "" if option.estimated_hours is None else f" for ~{option.estimated_hours:,.1f} h"
    return [f"estimated USD {option.estimated_cost_usd:,.0f}{hours} on {option.gpu_count} x {option.gpu or 'CPU'}"]


def _limits_text(request: PlanRequest) -> str:
    parts = []
    if request.deadline_hours is not None:
        parts.append(f"within the {request.deadline_hours:g} h deadline")
    if request.budget_usd is not None:
        parts.append(f"within the USD {request.budget_usd:g} budget")
    return " " + " and ".join(parts) if parts else ""


def _limits_missed(request: PlanRequest) -> str:
    return f"no option that fits is{_limits_text(request)}: the recommendation misses a limit"


def _nothing_fits(request: PlanRequest, options: Sequence[Option]) -> str:
    largest = max((o.vram_bytes_per_gpu or 0 for o in options if o.gpu), default=0)
    hint = "more GPUs or GPUs with more memory"
    if request.workload in ("full-finetune", "pretrain"):
        hint = "--workload lora or qlora, a smaller --batch or --context, or " + hint
    elif request.workload == "inference":
        hint = "a lower --precision (int8, int4, q4_k_m), a shorter --context, or " + hint
    elif request.workload == "lora":
        hint = "--workload qlora, a smaller --batch or --context, or " + hint
    return f"no option fits (largest GPU here: {largest / 1e9:.0f} GB); what would: {hint}"
