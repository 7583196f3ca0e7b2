"""A saved plan (`aiwm.plan/1`, app/planner/document.py) in a reader's words, shared by the HTML
and PDF reports: what was planned, what is recommended and why, the memory it needs, the options.

The plan names its model under `request.model.name` and its work under `request.workload`; older
documents (and the report's example) carry `model` and `workload` at the top: both are read.
Sizes are in decimal GB, as the planner prints them and as GPU makers rate their cards (24 GB).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.units import NA
from app.report.display import is_number, items, mapping

WORKLOAD_WORDS = {
    "inference": "inference",
    "lora": "LoRA fine-tune",
    "qlora": "QLoRA fine-tune",
    "full-finetune": "full fine-tune",
    "pretrain": "pre-training",
}
MEMORY_PARTS = (
    ("weights_bytes", "weights"),
    ("gradients_bytes", "gradients"),
    ("optimizer_bytes", "optimizer"),
    ("activations_bytes", "activations"),
    ("kv_cache_bytes", "KV cache"),
    ("overhead_bytes", "overhead"),
)
REPEAT_NOTES = 3
OPTION_COLUMNS = ("Option", "GPU", "Fits", "Hours", "Cost", "USD/h", "Notes")
# Keys a plan renderer shows in its own layout; any other key is shown as it is.
PLAN_SHOWN = ("schema", "simulated", "request", "memory", "compute", "options", "recommendation", "warnings",
              "model", "workload")  # fmt: skip


@dataclass(frozen=True)
class PlanText:
    """A plan as lines and rows of text."""

    model: str
    work: str  # "LoRA fine-tune, bf16, context 4096, batch 1"
    recommendation: str  # "local: NVIDIA GeForce RTX 4090 × 1" or n/a
    reasons: tuple[str, ...]
    memory: str  # "21.8 GB: weights 16.2 GB, ..." or n/a
    compute: str
    options: tuple[tuple[str, ...], ...]  # rows under OPTION_COLUMNS
    warnings: tuple[str, ...]
    footnotes: tuple[str, ...] = ()  # "[1] activation checkpointing on: ...": a note many options carry, said once


def gb(value: object) -> str:
    return f"{float(value) / 1e9:.1f} GB" if is_number(value) else NA


def model_name(plan: Mapping[str, Any]) -> str:
    """request.model.name, else the top-level `model` (a name or an object with one)."""
    model = mapping(plan.get("request")).get("model", plan.get("model"))
    name = model.get("name") if isinstance(model, Mapping) else model
    return str(name) if name else NA


def work_text(plan: Mapping[str, Any]) -> str:
    request = mapping(plan.get("request"))
    workload = request.get("workload", plan.get("workload"))
    parts = [WORKLOAD_WORDS.get(str(workload), str(workload)) if workload else NA]
    if request.get("precision"):
        parts.append(str(request["precision"]))
    for key, word in (("context", "context"), ("batch", "batch")):
        if is_number(request.get(key)):
            parts.append(f"{word} {int(request[key])}")
    limits = (("tokens", "{:.3g} tokens"), ("deadline_hours", "deadline {:g} h"), ("budget_usd", "budget USD {:,.0f}"),
              ("months", "over {:g} months"))  # fmt: skip
    parts += [form.format(float(request[key])) for key, form in limits if is_number(request.get(key))]
    if request.get("sensitive_data") is True:
        parts.append("sensitive data")
    return ", ".join(parts)


def plan_text(plan: Mapping[str, Any]) -> PlanText:
    recommendation = mapping(plan.get("recommendation"))
    options = items(plan.get("options"))
    notes = [[str(n) for n in o.get("notes") or () if n is not None] for o in options]
    footnotes = _repeated(notes)
    return PlanText(
        model=model_name(plan),
        work=work_text(plan),
        recommendation=_recommended(recommendation, options),
        reasons=tuple(str(r) for r in recommendation.get("reasons") or () if r is not None),
        memory=_memory(mapping(plan.get("memory"))),
        compute=_compute(mapping(plan.get("compute"))),
        options=tuple((*_option_row(o), _notes_text(own, footnotes)) for o, own in zip(options, notes, strict=True)),
        warnings=tuple(str(w) for w in plan.get("warnings") or () if w is not None),
        footnotes=tuple(f"[{i}] {note}" for i, note in enumerate(footnotes, start=1)),
    )


def _repeated(notes: list[list[str]]) -> list[str]:
    """Notes that REPEAT_NOTES or more options carry, in the order they first appear: each becomes a
    footnote, so a table of 15 options does not say "activation checkpointing on" 12 times."""
    seen: list[str] = []
    for own in notes:
        seen += [n for n in own if n not in seen]
    return [n for n in seen if sum(n in own for own in notes) >= REPEAT_NOTES]


def _notes_text(own: list[str], footnotes: list[str]) -> str:
    return "; ".join(f"[{footnotes.index(n) + 1}]" if n in footnotes else n for n in own)


def _recommended(recommendation: Mapping[str, Any], options: list[Mapping[str, Any]]) -> str:
    kind = recommendation.get("kind")
    if not kind:
        return NA
    index = recommendation.get("option_index")
    chosen = options[index] if isinstance(index, int) and 0 <= index < len(options) else None
    if chosen is None or not chosen.get("gpu"):
        return str(kind)
    count = chosen.get("gpu_count")
    return f"{kind}: {chosen['gpu']}" + (f" × {count}" if is_number(count) else "")


def _memory(memory: Mapping[str, Any]) -> str:
    if not memory:
        return NA
    parts = [f"{word} {gb(memory[key])}" for key, word in MEMORY_PARTS if is_number(memory.get(key)) and memory[key]]
    total = gb(memory.get("total_bytes"))
    return f"{total}: {', '.join(parts)}" if parts else total


def _compute(compute: Mapping[str, Any]) -> str:
    if not compute:
        return NA
    parts = []
    if is_number(compute.get("flops_per_token")):
        parts.append(f"{float(compute['flops_per_token']):.3g} FLOP per token")
    if is_number(compute.get("tokens")):
        parts.append(f"{float(compute['tokens']):.3g} tokens")
    if is_number(compute.get("total_flops")) and is_number(compute.get("tokens")):
        parts.append(f"{float(compute['total_flops']):.3g} FLOP in all")
    if compute.get("note"):
        parts.append(str(compute["note"]))
    return "; ".join(parts) or NA


def _option_row(option: Mapping[str, Any]) -> tuple[str, ...]:
    count = option.get("gpu_count")
    if option.get("gpu"):
        gpu = str(option["gpu"]) + (f" × {count}" if is_number(count) and count != 1 else "")
    else:
        gpu = "no GPU" if count == 0 else NA
    fits = option.get("fits")
    hours = option.get("estimated_hours")
    low, high, cost = option.get("cost_low_usd"), option.get("cost_high_usd"), option.get("estimated_cost_usd")
    if is_number(low) and is_number(high):
        cost_text = f"USD {float(low):,.0f}-{float(high):,.0f}"
    else:
        cost_text = f"USD {float(cost):,.2f}" if is_number(cost) else NA
    per_hour = option.get("usd_per_hour")
    return (
        str(option.get("kind") or NA),
        gpu,
        NA if fits is None else ("yes" if fits else "no"),
        f"{float(hours):,.1f}" if is_number(hours) else NA,
        cost_text,
        f"{float(per_hour):.2f}" if is_number(per_hour) else NA,
    )
