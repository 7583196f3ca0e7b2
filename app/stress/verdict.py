"""A stress test's verdict and its reasons, with the numbers, from what the run saw.

Order matters: errors or a failed workload make a FAIL even if the test was later cancelled or
stopped by the guard (a found error is the most useful thing to say); then ABORTED; then a run
that did no work at all is INCONCLUSIVE; then the kind's own WARN rules; else PASS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.stress.metric_text import label, plural
from app.stress.records import Kind, Verdict

# DCGM's targeted_stress passes when the achieved rate is at least 0.95 × its target, and the
# per-SKU target is 0.75 × the measured peak (NVIDIA/DCGM nvvs/plugin_src/targetedstress/
# TargetedStress_wrapper.cpp, nvvs/diag-skus.yaml.in; research/stress-and-thermal.md table):
# 0.95 × 0.75 = 71.25 % of peak. Below it a GPU burn is a WARN: the card is far from what it
# should do (power or thermal capping, a slow PCIe-starved setup, a broken clock).
GPU_MIN_PERCENT_OF_PEAK = 100 * 0.95 * 0.75


@dataclass(frozen=True)
class Outcome:
    """What one run ended with, before judging it."""

    kind: Kind
    errors: int
    failure: str | None
    cancelled: bool
    guard_reason: str | None
    iterations: int
    elapsed_s: float
    metrics: Mapping[str, float | None]
    workload_abort: str | None = None  # the workload could not go on for a reason outside the hardware


def judge(outcome: Outcome) -> tuple[Verdict, tuple[str, ...], str | None]:
    """(verdict, reasons, abort_reason) for one run."""
    abort_reason = _abort_reason(outcome)
    fail = _fail_reasons(outcome)
    if fail:
        return "fail", (*fail, *((f"also aborted: {abort_reason}",) if abort_reason else ())), abort_reason
    if abort_reason is not None:
        return "aborted", (f"aborted: {abort_reason}",), abort_reason
    if outcome.iterations == 0:
        return "inconclusive", _inconclusive_reasons(outcome), None
    warn = _warn_reasons(outcome)
    if warn:
        return "warn", warn, None
    done = plural(outcome.iterations, "iteration")
    return "pass", (f"0 errors in {outcome.elapsed_s:.1f} s ({done})", *_notes(outcome)), None


def _abort_reason(outcome: Outcome) -> str | None:
    if outcome.guard_reason is not None:
        return f"safety guard: {outcome.guard_reason}"
    if outcome.workload_abort is not None:
        return outcome.workload_abort
    if outcome.cancelled:
        return f"cancelled after {outcome.elapsed_s:.1f} s"
    return None


def _fail_reasons(outcome: Outcome) -> tuple[str, ...]:
    reasons = []
    if outcome.errors > 0:
        found = plural(outcome.errors, "error")
        reasons.append(f"{found} found (computation or pattern mismatches) in {outcome.elapsed_s:.1f} s")
    if outcome.failure is not None:
        reasons.append(f"the workload failed: {outcome.failure}")
    return tuple(reasons)


def _inconclusive_reasons(outcome: Outcome) -> tuple[str, ...]:
    """Not one full pass (a disk test's four phases, a VRAM pattern pass) in the time: say what is missing."""
    reasons = [f"the workload did not complete one full pass in {outcome.elapsed_s:.1f} s"]
    unmeasured = [label(name) for name, value in outcome.metrics.items() if value is None]
    if unmeasured:
        reasons.append(f"not measured: {', '.join(unmeasured)} (a longer --duration gives the workload time)")
    return tuple(reasons)


def _warn_reasons(outcome: Outcome) -> tuple[str, ...]:
    if outcome.kind != "gpu":
        return ()
    percent = outcome.metrics.get("percent_of_peak")
    if percent is None or percent >= GPU_MIN_PERCENT_OF_PEAK:
        return ()
    tflops, peak = outcome.metrics.get("tflops"), outcome.metrics.get("peak_tflops")
    return (
        f"achieved {_num(tflops)} TFLOPS = {percent:.1f} % of the {_num(peak)} TFLOPS FP32 peak, below"
        f" {GPU_MIN_PERCENT_OF_PEAK:g} % (DCGM targeted_stress: 0.95 × a target of 0.75 × peak)",
    )


def _notes(outcome: Outcome) -> tuple[str, ...]:
    if outcome.kind == "gpu" and outcome.metrics.get("percent_of_peak") is None:
        return ("percent of peak n/a: no FP32 peak is known for this GPU",)
    return ()


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"
