"""`aiwm plan`: will this model and this work fit, how long will it take, what will it cost, and where
should it run? Reads the model and hardware catalogs, this machine's GPUs (or a snapshot or facts
file), and prints the plan as a table or as the `aiwm.plan/1` document."""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path
from typing import Any

from app.cli.checks import engine_options, open_engine
from app.cli.output import print_out, say
from app.core.errors import UserError
from app.planner.catalog import custom_model
from app.planner.document import plan_text
from app.planner.hardware import load_hardware
from app.planner.limits import bound_problem, check_request
from app.planner.plan import find_model, list_models, make_plan, plan_document, save_plan
from app.planner.precision import PRECISIONS
from app.planner.records import WORKLOADS, ModelSpec, PlanRequest
from app.planner.words import count_words

_SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12}
_ARCHITECTURE = ("layers", "hidden", "heads", "kv_heads")
DEFAULT_CONTEXT = 4096
PRETRAIN_MICRO_BATCH = 8  # pretraining runs bigger batches than fine-tuning's 1
DEFAULT_PRECISION = "bf16"
# argparse takes "-7e9" for an option (its test for negative numbers knows no exponent), so the value
# never reaches the type check; this one also reads exponents, and --params -7e9 is refused as a count.
NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[kKmMbBgGtT]?$")


def count(text: str) -> float:
    """A positive count such as 8e9, 7B, 70b, 125M or 1.5T (argparse type)."""
    match = re.fullmatch(r"\s*([0-9.eE+-]+)\s*([kKmMbBgGtT]?)\s*", text)
    try:
        value = float(match.group(1)) * _SUFFIXES.get(match.group(2).lower(), 1) if match else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive count (e.g. 8e9, 7B, 125M)")
    return value


def positive_int(text: str) -> int:
    """A positive whole number, written plainly or as a whole float ('4096', '1e9', '2048.0')."""
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"{text} is not a finite number")
    if number != int(number):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a positive whole number")
    return int(number)


def positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if math.isinf(value):
        raise argparse.ArgumentTypeError(f"{text} is not a finite number")
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a positive number")
    return value


def share(text: str) -> float:
    value = positive_number(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"{text} must be a share of peak, above 0 and at most 1 (e.g. 0.4)")
    return value


def add_plan_arguments(plan: argparse.ArgumentParser) -> None:
    """The `plan` command's options (registered by app/cli/arguments.py)."""
    plan._negative_number_matcher = NEGATIVE_NUMBER  # argparse's own, private; see NEGATIVE_NUMBER
    plan.add_argument("--json", action="store_true", help="print the aiwm.plan/1 JSON document")
    plan.add_argument("--list-models", action="store_true", help="list the model catalog and exit")
    plan.add_argument("--model", metavar="NAME", help="a catalog model (see --list-models)")
    plan.add_argument("--params", type=count, metavar="N", help="a custom model's parameters (8e9, 7B, 125M)")
    plan.add_argument("--layers", type=positive_int, metavar="L", help="custom model: transformer layers")
    plan.add_argument("--hidden", type=positive_int, metavar="H", help="custom model: hidden size")
    plan.add_argument("--heads", type=positive_int, metavar="A", help="custom model: attention heads")
    plan.add_argument("--kv-heads", type=positive_int, metavar="K", help="custom model: key/value heads (GQA)")
    plan.add_argument("--workload", choices=WORKLOADS, help="what to do with the model")
    plan.add_argument(
        "--precision",
        type=str.lower,
        choices=PRECISIONS,
        help="weights' precision (default bf16; int8/int4 quantise the linear layers; qlora is always 4-bit NF4)",
    )
    plan.add_argument(
        "--context", type=positive_int, metavar="T", help=f"tokens per sequence (default {DEFAULT_CONTEXT})"
    )
    plan.add_argument(
        "--batch",
        type=positive_int,
        metavar="B",
        help=(
            f"sequences per step (default 1; pretrain {PRETRAIN_MICRO_BATCH}); training: the global batch, split"
            " across data-parallel GPUs (gradient accumulation if even one sequence per GPU is too much);"
            " inference: sequences decoded at once, raised to meet --deadline-hours"
        ),
    )
    plan.add_argument("--tokens", type=count, metavar="D", help="training tokens, or tokens to generate (1e9, 2T)")
    plan.add_argument("--deadline-hours", type=positive_number, metavar="H", help="the work must finish within H hours")
    plan.add_argument("--budget", type=positive_number, metavar="USD", help="the most the work may cost")
    plan.add_argument("--months", type=positive_number, metavar="M", help="how long the project runs")
    plan.add_argument("--sensitive-data", action="store_true", help="the data must not go to shared rented GPUs")
    plan.add_argument("--facts", type=Path, metavar="FILE", help="an aiwm.snapshot/1 or aiwm.facts/1 file's GPUs")
    plan.add_argument(
        "--mfu",
        type=share,
        default=0.40,
        help="model FLOPs utilisation, the share of peak reached (default 0.40; 0.35-0.45 is typical)",
    )
    plan.add_argument(
        "--no-checkpointing",
        action="store_true",
        help="training: keep every activation instead of recomputing them (no recomputation, much more memory)",
    )
    plan.add_argument("--save", action="store_true", help="also keep the plan in the data folder's plans/")


def plan_command(args: argparse.Namespace) -> int:
    if args.list_models:
        return _list_models(args.json)
    request, notes = _request(args)
    hardware = load_hardware()
    local_gpus, simulated, left_out = _local_gpus(args)
    plan = make_plan(request, local_gpus, simulated, hardware, (*notes, *left_out))
    print_out(json.dumps(plan_document(plan), indent=2) if args.json else plan_text(plan))
    if args.save:
        say(f"plan saved to {save_plan(plan)}")
    return 0


def _list_models(as_json: bool) -> int:
    models = list_models()
    if as_json:
        rows = [{k: v for k, v in vars(m).items()} for m in models]
        print_out(json.dumps({"schema": "aiwm.planner-models/1", "models": rows}, indent=2))
        return 0
    lines = [f"{'model':<32} {'params':>8} {'layers':>6} {'hidden':>6} {'heads':>5} {'kv':>3} {'context':>8}"]
    for m in models:
        active = f" ({count_words(m.active_params)} active)" if m.active_params else ""
        lines.append(
            f"{m.name:<32} {count_words(m.params):>8} {m.layers:>6} {m.hidden:>6} {m.heads:>5} {m.kv_heads:>3}"
            f" {m.max_context:>8}{active}"
        )
    print_out("\n".join(lines))
    return 0


def _check_bounds(args: argparse.Namespace) -> None:
    """Refuse numbers beyond what the planner takes before any of them is used (the Planner page's bounds)."""
    for key in ("params", "tokens", "months", "deadline_hours", "batch", "context", *_ARCHITECTURE):
        problem = bound_problem(key, getattr(args, key))
        if problem is not None:
            raise UserError(problem)
    problem = bound_problem("budget_usd", args.budget)
    if problem is not None:
        raise UserError(problem)


def _request(args: argparse.Namespace) -> tuple[PlanRequest, tuple[str, ...]]:
    if args.workload is None:
        raise UserError(f"give --workload ({', '.join(WORKLOADS)})")
    _check_bounds(args)
    model, notes = _model(args)
    context = args.context or min(DEFAULT_CONTEXT, model.max_context or DEFAULT_CONTEXT)
    if model.max_context is not None and context > model.max_context:
        raise UserError(f"--context {context} is longer than {model.name}'s maximum, {model.max_context}")
    if args.context is None and context < DEFAULT_CONTEXT:
        notes = (
            *notes,
            f"context {context:,} tokens: {model.name}'s maximum (the default, {DEFAULT_CONTEXT:,}, is longer)",
        )
    batch = args.batch or (PRETRAIN_MICRO_BATCH if args.workload == "pretrain" else 1)
    request = PlanRequest(
        model=model,
        workload=args.workload,
        precision=args.precision or DEFAULT_PRECISION,
        context=context,
        batch=batch,
        tokens=args.tokens,
        deadline_hours=args.deadline_hours,
        budget_usd=args.budget,
        months=args.months,
        sensitive_data=args.sensitive_data,
        mfu=args.mfu,
        activation_checkpointing=not args.no_checkpointing,
    )
    check_request(request)
    return request, notes


def _model(args: argparse.Namespace) -> tuple[ModelSpec, tuple[str, ...]]:
    shape = {key: getattr(args, key) for key in _ARCHITECTURE}
    if args.model is not None:
        if args.params is not None:
            raise UserError("give --model NAME or --params N, not both")
        given = [f"--{key.replace('_', '-')}" for key, value in shape.items() if value is not None]
        if given:
            raise UserError(f"{given[0]} describes a custom model; it cannot go with --model")
        return find_model(args.model), ()
    if args.params is None:
        raise UserError("give --model NAME (see --list-models) or --params N")
    return custom_model(args.params, **shape)


def _local_gpus(args: argparse.Namespace) -> tuple[list[tuple[str, int]], bool, tuple[str, ...]]:
    """This machine's GPUs as (name, VRAM bytes), or those of a --facts file; whether they are
    simulated; and a warning for each GPU left out because its memory is unknown."""
    if args.facts is not None:
        if args.demo is not None:
            raise UserError("--demo simulates this machine's GPUs; it cannot go with --facts")
        return gpus_from_file(args.facts)
    engine_options(args)  # --time-scale without --demo is refused as elsewhere
    if args.demo is not None:
        from app.core.gpu.catalog import parse_demo_profiles

        parse_demo_profiles(args.demo)
    with open_engine(args) as engine:
        inventory = engine.inventory()
    gpus = [(g.name, g.vram_total_bytes) for g in inventory.gpus if g.name and g.vram_total_bytes]
    left_out = tuple(
        f"GPU {g.index} left out: its memory could not be read" for g in inventory.gpus if not g.vram_total_bytes
    )
    return gpus, inventory.simulated or args.demo is not None, left_out


def gpus_from_file(path: Path) -> tuple[list[tuple[str, int]], bool, tuple[str, ...]]:
    """The GPUs of an aiwm.snapshot/1 file (name, vram_total_bytes) or an aiwm.facts/1 file (names: the
    VRAM comes from the hardware catalog; a GPU it lacks is left out, with a warning)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"--facts {path}: {error.strerror}") from None
    except ValueError as error:
        raise UserError(f"--facts {path} is not JSON: {error}") from None
    if not isinstance(doc, dict) or doc.get("schema") not in ("aiwm.snapshot/1", "aiwm.facts/1"):
        raise UserError(f"--facts {path} is not an aiwm.snapshot/1 or aiwm.facts/1 document")
    rows = doc.get("gpus")
    if not isinstance(rows, list) or not all(isinstance(r, dict) and isinstance(r.get("name"), str) for r in rows):
        raise UserError(f"--facts {path}: gpus must be a list of objects with a name")
    gpus, left_out = [], []
    for row in rows:
        vram = _vram(row)
        if vram is None:
            left_out.append(f"{row['name']} from --facts left out: no vram_total_bytes and not in the hardware catalog")
        else:
            gpus.append((row["name"], vram))
    return gpus, doc.get("simulated") is True, tuple(left_out)


def _vram(row: dict[str, Any]) -> int | None:
    vram = row.get("vram_total_bytes")
    if isinstance(vram, int) and not isinstance(vram, bool) and vram > 0:
        return vram
    spec = load_hardware().gpu(row["name"])
    return None if spec is None else spec.vram_bytes
