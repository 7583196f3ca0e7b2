"""From a finished (or stopped) run to its `ThermalResult`: limits, analysis, verdict, baseline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from app.core.engine import Engine
from app.core.errors import UserError
from app.stress.records import THERMAL_SCHEMA, Phase, PhaseSpan, ThermalResult, Verdict, WorkloadStatus
from app.stress.store import past_results
from app.stress.thermal.analysis import analyse
from app.stress.thermal.baseline import BaselineComparison, compare_with_baseline
from app.stress.thermal.collect import gpu_index
from app.stress.thermal.document import series_document, thermal_document
from app.stress.thermal.series import ThermalLimits, ThermalSeries
from app.stress.thermal.verdict import RunFacts, decide


@dataclass(frozen=True)
class Outcome:
    """What the phases left: the readings, the spans, the workload's last status, how it ended."""

    series: ThermalSeries
    phases: tuple[PhaseSpan, ...]
    status: WorkloadStatus
    cancelled_in: Phase | None = None
    guard_stop: tuple[Phase, str] | None = None
    truth: Mapping[str, float] | None = None


def device_limits(engine: Engine, device: str) -> tuple[ThermalLimits, str | None]:
    """The GPU's slowdown, max operating and target temperatures, and its UUID (none known for the CPU)."""
    index = gpu_index(device)
    gpu = next((g for g in engine.inventory().gpus if g.index == index), None) if index is not None else None
    if gpu is None:
        return ThermalLimits(), None
    return ThermalLimits(gpu.temp_slowdown_c, gpu.temp_max_operating_c, gpu.temp_target_c), gpu.uuid


def judge(device: str, started_at: str, outcome: Outcome, engine: Engine) -> ThermalResult:
    """The result of a run: aborted when it never finished its load, else the analysis and verdict.

    A cancel during the cooldown keeps the load's verdict and findings (the load was judged in
    full); only the cooldown time is missing, and a note and `abort_reason` say the user stopped it.
    """
    limits, uuid = device_limits(engine, device)
    stopped_by_guard = outcome.guard_stop is not None and outcome.guard_stop[0] == "load"
    analysis = analyse(outcome.series, outcome.phases, limits, stopped_by_guard=stopped_by_guard)
    details: dict[str, object] = {**analysis.details, "device_uuid": uuid, "errors": outcome.status.errors}
    details["series"] = series_document(outcome.series, device)  # for the report's and past runs' graphs
    result = ThermalResult(
        device=device,
        started_at=started_at,
        verdict="aborted",
        reasons=(),
        metrics=analysis.metrics,
        phases=outcome.phases,
        simulated=engine.simulated and gpu_index(device) is not None,  # the CPU is real hardware, even with --demo
        simulated_truth=outcome.truth,
        details=details,
    )
    stopped = _aborted(outcome)
    if stopped is not None:
        return _with(result, "aborted", (f"ABORTED: {stopped}",), stopped)
    comparison = _baseline(thermal_document(result))
    guard_reason = outcome.guard_stop[1] if outcome.guard_stop else None
    cooldown_cancel = _cancelled_at_s(outcome) if outcome.cancelled_in == "cooldown" else None
    facts = RunFacts(outcome.status.errors, outcome.status.failure, guard_reason, comparison.warnings, cooldown_cancel)
    verdict, reasons = decide(analysis, limits, facts, is_gpu=gpu_index(device) is not None)
    cancel_words = _cancel_words(outcome) if cooldown_cancel is not None else None
    result = _with(result, verdict, reasons, guard_reason or cancel_words)
    return replace(result, baseline_comparison=comparison.lines)


def _cancelled_at_s(outcome: Outcome) -> float:
    return outcome.phases[-1].end_s if outcome.phases else 0.0


def _cancel_words(outcome: Outcome) -> str:
    return f"cancelled by the user {_cancelled_at_s(outcome):.0f} s into the test ({outcome.cancelled_in} phase)"


def _aborted(outcome: Outcome) -> str | None:
    """Why the test did not get to a verdict: cancelled before the load was over, or the guard
    tripped before any load."""
    if outcome.cancelled_in is not None and outcome.cancelled_in != "cooldown":
        return _cancel_words(outcome)
    if outcome.guard_stop is not None and outcome.guard_stop[0] == "idle":
        return f"the safety guard stopped the test before the load: {outcome.guard_stop[1]}"
    return None


def _with(result: ThermalResult, verdict: Verdict, reasons: tuple[str, ...], abort: str | None) -> ThermalResult:
    return replace(result, verdict=verdict, reasons=reasons, abort_reason=abort)


def _baseline(document: dict[str, Any]) -> BaselineComparison:
    """The comparison with earlier runs; an unreadable data folder is said, not raised."""
    try:
        past = past_results(THERMAL_SCHEMA, document["device"])
    except (OSError, UserError, ValueError) as error:
        return BaselineComparison((f"no baseline comparison: earlier runs could not be read ({error})",), (), None)
    return compare_with_baseline(document, past)
