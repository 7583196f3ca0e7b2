"""Which option to take, and why: this machine first when it fits and meets the deadline; sensitive
data only on this machine or a dedicated server, never on shared rented GPUs; small inference on a
VPS when it is the cheapest and finishes in time; long projects on a fixed monthly server when that
costs less; heavy work on a budget on rented GPUs."""

from __future__ import annotations

from collections.abc import Sequence

from app.planner.options import HOURS_PER_MONTH, NO_BF16
from app.planner.records import Option, PlanRequest, Recommendation
from app.planner.words import gb_words, hours_words, usd_words

PRIVATE = ("local", "dedicated")  # where sensitive data may go: hardware no other customer shares


def recommend(request: PlanRequest, options: Sequence[Option]) -> tuple[Recommendation | None, tuple[str, ...]]:
    """The recommendation (None when nothing fits, or nothing private fits sensitive data) and warnings."""
    fitting = [i for i, option in enumerate(options) if option.fits]
    if not fitting:
        return None, (_nothing_fits(request, options),)
    warnings: list[str] = []
    runnable = [i for i in fitting if not _cannot_run(options[i])]
    if len(runnable) < len(fitting):
        warnings.append("some GPUs here have no bf16 (compute capability below 8.0): use --precision fp16 or fp32")
    if request.sensitive_data:
        runnable = [i for i in runnable if options[i].kind in PRIVATE]
        if not runnable:
            return None, (*warnings, sensitive_unmet(request, options))
    if not runnable:
        return None, tuple(warnings)
    usable = [i for i in runnable if _meets_limits(request, options[i])]
    if not usable:
        warnings.append(_limits_missed(request))
        usable = runnable
    choice = _choose(request, options, usable)
    return Recommendation(options[choice[0]].kind, choice[0], tuple(choice[1])), tuple(warnings)


def _cannot_run(option: Option) -> bool:
    return any(NO_BF16 in note for note in option.notes)


def sensitive_unmet(request: PlanRequest, options: Sequence[Option]) -> str:
    """Sensitive data with no private option that holds the work: say it cannot be met, and what would."""
    private = [o for o in options if o.kind in PRIVATE and o.vram_bytes_per_gpu]
    largest = max((o.vram_bytes_per_gpu or 0 for o in private), default=0)
    where = f"(the largest is {gb_words(largest)} a GPU)" if largest else "(none is listed)"
    return (
        "sensitive data: the requirement cannot be met, as neither this machine nor any dedicated server in"
        f" the catalog holds the work {where}; shared rented GPUs are not offered for it"
    )


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
            *_cost(options[local[0]]),
        ]
    if request.sensitive_data:
        dedicated = _cheapest(options, _of_kind(options, usable, "dedicated"))
        if dedicated is not None:
            return dedicated, [
                "sensitive data: a dedicated server keeps it off shared rented GPUs",
                *_cost(options[dedicated]),
            ]
    rent = _cheapest(options, _of_kind(options, usable, "rent"))
    dedicated = _cheapest(options, _of_kind(options, usable, "dedicated"))
    vps = _cheapest(options, _of_kind(options, usable, "vps"))
    if vps is not None and _vps_wins(request, options, vps, [i for i in (rent, dedicated) if i is not None]):
        return vps, ["small inference: a CPU-only VPS runs it for a fixed monthly price", *_cost(options[vps])]
    if dedicated is not None and (rent is None or _costs_no_more(options[dedicated], options[rent])):
        why = "long-running: the fixed monthly price costs no more than renting by the hour"
        if rent is None:
            why = "the only kind of server that fits: a dedicated one"
        return dedicated, [why, *_cost(options[dedicated])]
    if rent is not None:
        reasons = ["rented GPUs: pay only for the hours the work takes, the cheapest that fits"]
        if options[rent].estimated_cost_usd is None:
            reasons = ["rented GPUs, the lowest price per hour that fits; give --tokens or --months to cost the work"]
        return rent, [*reasons, *_cost(options[rent])]
    return usable[0], ["the only option that fits"]


def _vps_wins(request: PlanRequest, options: Sequence[Option], vps: int, gpu_options: Sequence[int]) -> bool:
    """A VPS is chosen for inference when the work has no size yet (a fixed monthly price to try it), or
    when it finishes within the project's months (one, if not given) and costs no more than the GPUs."""
    option = options[vps]
    if request.workload != "inference":
        return False
    if option.estimated_hours is None or request.tokens is None:
        return request.tokens is None
    months = request.months or 1
    if option.estimated_hours > months * HOURS_PER_MONTH:
        return False
    return all(_costs_no_more(option, options[i]) for i in gpu_options if options[i].estimated_cost_usd is not None)


def _costs_no_more(option: Option, other: Option) -> bool:
    """Whether `option` costs no more than `other`; unknown costs compare as neither."""
    if option.estimated_cost_usd is None or other.estimated_cost_usd is None:
        return False
    return option.estimated_cost_usd <= other.estimated_cost_usd


def _cost(option: Option) -> list[str]:
    if option.estimated_cost_usd is None:
        return []
    hours = "" if option.estimated_hours is None else f" for {hours_words(option.estimated_hours)}"
    where = "CPU only" if option.gpu is None else f"{option.gpu_count} x {option.gpu}"
    return [f"estimated {usd_words(option.estimated_cost_usd)}{hours} on {where}"]


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
    largest = max((o.vram_bytes_per_gpu or 0 for o in options if o.gpu and o.kind != "local"), default=0)
    hint = "more GPUs or GPUs with more memory"
    if request.workload in ("full-finetune", "pretrain"):
        hint = "--workload lora or qlora, a smaller --batch or --context, or " + hint
    elif request.workload == "inference":
        hint = "a lower --precision (int8, int4, q4_k_m), a shorter --context, or " + hint
    elif request.workload == "lora":
        hint = "--workload qlora, a smaller --batch or --context, or " + hint
    return f"no option fits (largest GPU in the catalog: {gb_words(largest)}); what would: {hint}"
