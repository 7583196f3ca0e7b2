"""The plan as the `aiwm.plan/1` JSON document, as a readable table, and as a file kept for the report."""

from __future__ import annotations

import dataclasses
import json
import re
import time
from pathlib import Path
from typing import Any

from app.core.atomic import atomic_text_writer
from app.core.paths import data_dir
from app.planner.records import PLAN_SCHEMA, Option, Plan
from app.planner.words import count_words, hours_words

_OPTION_KEYS = (
    "kind",
    "gpu",
    "gpu_count",
    "vram_bytes_per_gpu",
    "fits",
    "estimated_hours",
    "estimated_cost_usd",
    "notes",
    "cost_low_usd",
    "cost_high_usd",
    "break_even_utilisation",
    "usd_per_hour",
    "batch",
)


def plan_document(plan: Plan) -> dict[str, Any]:
    """The issue's `aiwm.plan/1` document; `simulated` and `warnings` say what the numbers rest on."""
    request = dataclasses.asdict(plan.request)
    return {
        "schema": PLAN_SCHEMA,
        "simulated": plan.simulated,
        "request": request,
        "memory": dataclasses.asdict(plan.memory),
        "compute": dataclasses.asdict(plan.compute),
        "options": [_option(option) for option in plan.options],
        "recommendation": None if plan.recommendation is None else dataclasses.asdict(plan.recommendation),
        "warnings": list(plan.warnings),
    }


def _option(option: Option) -> dict[str, Any]:
    doc = {key: getattr(option, key) for key in _OPTION_KEYS}
    doc["notes"] = list(option.notes)
    return doc


def _gb(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 1e9:.1f} GB"


def _hours(value: float | None) -> str:
    return "n/a" if value is None else hours_words(value).removesuffix(" h")


def _usd(option: Option) -> str:
    if option.estimated_cost_usd is None:
        return "n/a"
    if option.cost_low_usd is not None and option.cost_high_usd is not None:
        return f"{_money(option.cost_low_usd)}-{_money(option.cost_high_usd)}"
    return _money(option.estimated_cost_usd)


def _money(value: float) -> str:
    if value < 0.01:
        return "< 0.01"
    return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"


def _count(option: Option) -> str:
    """How many GPUs: '-' where the work does not fit (no count would be true) or there is no GPU."""
    return str(option.gpu_count) if option.fits and option.gpu is not None else "-"


def plan_text(plan: Plan) -> str:
    """The plan for a terminal: memory, compute, an options table, the recommendation and why."""
    m, r = plan.memory, plan.request
    lines = ["SIMULATED GPUs (--demo): this machine's GPUs are simulated"] if plan.simulated else []
    lines.append(f"model {r.model.name} ({count_words(r.model.params)} parameters), {r.workload}, {r.precision}")
    cut = f" ({r.model.name}'s maximum)" if r.context == r.model.max_context else ""
    lines.append(f"context {r.context:,} tokens{cut}, batch {r.batch}" + _batch_words(r.workload))
    lines.append(
        f"memory {_gb(m.total_bytes)}: weights {_gb(m.weights_bytes)}, gradients {_gb(m.gradients_bytes)},"
        f" optimizer {_gb(m.optimizer_bytes)}, activations {_gb(m.activations_bytes)},"
        f" KV cache {_gb(m.kv_cache_bytes)}, overhead {_gb(m.overhead_bytes)}"
    )
    what = "total" if plan.compute.tokens is not None else "per token"
    lines.append(
        f"compute {plan.compute.total_flops:.3g} FLOPs {what}"
        + (f" - {plan.compute.note}" if plan.compute.note else "")
    )
    lines.append("")
    lines.append(f"{'#':>2}  {'kind':<9} {'GPU':<36} {'n':>4} {'VRAM/GPU':>9}  {'fits':<4} {'hours':>10} {'USD':>15}")
    for n, o in enumerate(plan.options):
        name = o.gpu or (o.notes[0] if o.notes else "CPU")
        fits = "yes" if o.fits else "no"
        lines.append(
            f"{n:>2}  {o.kind:<9} {name[:36]:<36} {_count(o):>4} {_gb(o.vram_bytes_per_gpu):>9}  {fits:<4}"
            f" {_hours(o.estimated_hours):>10} {_usd(o):>15}"
        )
    lines.append("")
    if plan.recommendation is None:
        lines.append("recommendation: none")
    else:
        rec = plan.recommendation
        lines.append(f"recommendation: option {rec.option_index} ({rec.kind})")
        lines.append("  reasons:")
        lines += [f"  - {reason}" for reason in rec.reasons]
        lines.append(f"  notes of option {rec.option_index}:")
        lines += [f"  - {note}" for note in plan.options[rec.option_index].notes]
    lines += [f"warning: {warning}" for warning in plan.warnings]
    return "\n".join(lines)


def _batch_words(workload: str) -> str:
    if workload == "inference":
        return " (sequences decoded at once; an option may raise it to meet the deadline)"
    return " (the global batch, split across data-parallel GPUs)"


def save_plan(plan: Plan) -> Path:
    """Write the plan to data_dir()/plans/<UTC time>-<model>.json, atomically and never over another file."""
    folder = data_dir() / "plans"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    model = re.sub(r"[^A-Za-z0-9._-]+", "-", plan.request.model.name).strip("-") or "model"
    path = folder / f"{stamp}-{model}.json"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{stamp}-{model}-{number}.json"
    with atomic_text_writer(path, replace=False) as handle:
        handle.write(json.dumps(plan_document(plan), indent=2) + "\n")
    return path
