"""The summary: the overall state from the doctor and the latest tests, the doctor's worst
findings, the tests' verdicts, and what the machine is fit for, from the planner (the largest
catalog model each kind of work fits on this machine, with how: on how many GPUs, split how, at
what context and batch)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.doctor.records import DoctorReport

_RANK = {"pass": 0, "unknown": 1, "warn": 2, "fail": 3}
_VERDICT = {"pass": "pass", "warn": "warn", "inconclusive": "warn", "fail": "fail", "aborted": "warn"}
FIT_WORK = (
    ("inference", "runs {model} in bf16"),
    ("lora", "fine-tunes {model} with LoRA in bf16"),
    ("full-finetune", "fully fine-tunes {model} in bf16"),
)
WORK_WORDS = {"inference": "inference", "lora": "LoRA fine-tuning", "full-finetune": "full fine-tuning"}
WORST_FINDINGS = 5  # the summary names at most this many of the doctor's failures and warnings
_DETAIL_CHARS = 120


def overall(doctor: str | None, verdicts: Sequence[str]) -> str:
    """The worst of the doctor's overall and the tests' verdicts; unknown with neither."""
    states = ([doctor] if doctor else []) + [_VERDICT.get(v, "unknown") for v in verdicts]
    if not states:
        return "unknown"
    return max(states, key=lambda s: _RANK.get(s, 1))


def worst_findings(report: DoctorReport) -> list[str]:
    """ "WARN: No NVIDIA GPU found: …: the NVIDIA driver's library (NVML) is not installed", failures first."""
    worst = [f for f in report.findings if f.status == "fail"] + [f for f in report.findings if f.status == "warn"]
    return [f"{f.status.upper()}: {f.title}: {_first_clause(f.detail)}" for f in worst[:WORST_FINDINGS]]


def _first_clause(detail: str) -> str:
    clause = detail.split("; ")[0].split(". ")[0].strip()
    return clause if len(clause) <= _DETAIL_CHARS else clause[: _DETAIL_CHARS - 1].rstrip() + "…"


def fit_for(local_gpus: Sequence[tuple[str, int]], simulated: bool, missing: dict[str, str]) -> list[str]:
    """ "runs qwen2.5-14b in bf16 on both GPUs (tensor parallel), 4k context, batch 1"-style lines:
    the largest model each workload fits locally; an empty list always has its reason in `missing`."""
    if not local_gpus:
        missing["summary.fit_for"] = "no GPU on this machine: the planner sizes GPU work"
        return []
    try:
        from app.planner.plan import list_models, make_plan
        from app.planner.records import PlanRequest

        models = sorted(list_models(), key=lambda m: m.params)
        lines, none_fit = [], []
        for workload, template in FIT_WORK:
            best = None
            for model in models:
                request = PlanRequest(model, workload)  # type: ignore[arg-type]
                option = _local_fit(make_plan(request, local_gpus, simulated))
                if option is not None:
                    best = (model, request, option)
            if best is None:
                none_fit.append(WORK_WORDS[workload])
                continue
            model, request, option = best
            lines.append(f"{template.format(model=model.name)} {_how(option, len(local_gpus), request)}")
        if none_fit:
            missing["summary.fit_for"] = _nothing_fits(none_fit, local_gpus)
        return lines
    except Exception as error:  # a planner failure must not stop the report
        missing["summary.fit_for"] = f"the planner failed: {type(error).__name__}: {error}"
    return []


def _local_fit(plan: Any) -> Any:
    return next((option for option in plan.options if option.kind == "local" and option.fits), None)


def _how(option: Any, gpus_here: int, request: Any) -> str:
    """ "on both GPUs (tensor parallel), 4k context, batch 1"."""
    count = int(getattr(option, "gpu_count", 1) or 1)
    if count == 1:
        where = "on one GPU"
    elif count == gpus_here:
        where = "on both GPUs" if count == 2 else f"on all {count} GPUs"
    else:
        where = f"on {count} of its {gpus_here} GPUs"
    split = next((n.split(": ", 1)[1] for n in getattr(option, "notes", ()) if n.startswith("split across")), None)
    if count > 1 and split:
        where += f" ({split})"
    return f"{where}, {_context_words(request.context)} context, batch {request.batch}"


def _context_words(tokens: int) -> str:
    return f"{tokens // 1024}k" if tokens % 1024 == 0 else f"{tokens:,}-token"


def _nothing_fits(work: list[str], local_gpus: Sequence[tuple[str, int]]) -> str:
    sizes = ", ".join(f"{name} ({vram / 2**30:.0f} GiB)" for name, vram in local_gpus)
    return (
        f"no model in the planner's catalog fits this machine's GPUs ({sizes}) for {' or '.join(work)} "
        "in bf16 at 4k context, batch 1 (aiwm plan sizes other precisions and models)"
    )


def summary_lines(
    doctor: DoctorReport | None, test_lines: list[str], has_results: bool, notes: Sequence[str] = ()
) -> list[str]:
    """The doctor's line and worst findings, the tests' lines, then anything the reader must know."""
    from app.report.sections.software import doctor_line

    lines = [doctor_line(doctor), *worst_findings(doctor)] if doctor is not None else []
    lines += test_lines
    if not has_results:
        lines.append("No stress or cooling test results of this machine stored (aiwm thermal runs one)")
    return lines + list(notes)
