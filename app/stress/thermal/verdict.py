"""PASS / WARN / FAIL / INCONCLUSIVE for a cooling test, each reason a code and its numbers.

Rules: research/stress-and-thermal.md §10.4, anchored in DCGM (its clock-event failure mask, the
max operating temperature with a strict `>`, the 0.75 power ratio of targeted_power) and 3DMark
(the 97 % sustained ratio). A reason reads like `THERMAL_SLOWDOWN: sw_thermal_slowdown from 412 s
into the load, 3.4 % of load time`: one line per kind of event, whatever number of NVML's bits and
counters timed it.

A load that did not settle is INCONCLUSIVE (LOAD_TOO_SHORT) when it was shorter than its own fitted
curve needed to settle, or too short for a curve to be fitted; only a load long enough to settle
that did not is a warning (NO_STEADY_STATE). Notes that do not change the verdict: the normal power
cap, an idle that had not settled, a cooldown the user cancelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.stress.records import Verdict
from app.stress.thermal.analysis import ThermalAnalysis
from app.stress.thermal.series import ThermalLimits
from app.stress.thermal.throttle import THERMAL_COUNTER

NEAR_LIMIT_C = 5.0  # within 5 °C (5 included) of slowdown or max operating → warn
SUSTAINED_MIN = 0.97  # 3DMark: worst loop ≥ 97 % of best
CLOCK_DROP_MAX_PERCENT = 10.0
FAN_PINNED_PERCENT = 95.0
LIGHT_LOAD_RATIO = 0.75  # DCGM targeted_power: max power ≥ 0.75 × target
POWER_CAP = "sw_power_cap"

# DCGM's failure reasons, one verdict line per kind of event: NVML's thermal violation counter and
# the SW/HW thermal bits are one thermal slowdown, not three
_FAULT_GROUPS = (
    ("THERMAL_SLOWDOWN", ("sw_thermal_slowdown", "hw_thermal_slowdown", THERMAL_COUNTER)),
    ("HW_SLOWDOWN", ("hw_slowdown",)),
    ("POWER_BRAKE", ("hw_power_brake",)),
)


@dataclass(frozen=True)
class RunFacts:
    """What happened to the run besides its readings."""

    errors: int = 0  # compute or pattern mismatches the workload found
    workload_failure: str | None = None
    safety_stop: str | None = None  # the guard's reason, when it ended the load early
    extra_warnings: tuple[str, ...] = ()  # from the baseline comparison
    cooldown_cancelled_s: float | None = None  # the user cancelled the cooldown this far into the test


def decide(
    analysis: ThermalAnalysis, limits: ThermalLimits, facts: RunFacts, is_gpu: bool = True
) -> tuple[Verdict, tuple[str, ...]]:
    """The verdict and its reasons, most serious first."""
    failures = _failures(analysis, limits, facts)
    warnings = [*_warnings(analysis, limits), *facts.extra_warnings]
    doubts = _doubts(analysis, is_gpu)
    notes = _notes(analysis, facts)
    verdict: Verdict = "fail" if failures else "warn" if warnings else "inconclusive" if doubts else "pass"
    return verdict, (*failures, *warnings, *doubts, *notes)


def _failures(analysis: ThermalAnalysis, limits: ThermalLimits, facts: RunFacts) -> list[str]:
    m = analysis.metrics
    found = []
    if facts.errors:
        found.append(f"COMPUTE_ERRORS: {facts.errors} result mismatch(es) during the load")
    if facts.workload_failure:
        found.append(f"WORKLOAD_FAILED: {facts.workload_failure}")
    if facts.safety_stop:
        found.append(f"SAFETY_STOP: the load was stopped early: {facts.safety_stop}")
    found += _throttle_failures(analysis)
    peak, max_op = m.get("peak_c"), limits.max_operating_c or limits.slowdown_c
    if peak is not None and max_op is not None and peak > max_op:
        which = "max operating" if limits.max_operating_c else "slowdown"
        found.append(f"TEMPERATURE: peak {peak:.1f} °C is above the {which} temperature {max_op:.0f} °C")
    return found


def _throttle_failures(analysis: ThermalAnalysis) -> list[str]:
    """DCGM's failure reasons (HW slowdown, SW/HW thermal, power brake) seen at any time in the load,
    one line per kind of event."""
    first_seen: Mapping[str, float] = analysis.details.get("reasons_first_seen_s", {})  # type: ignore[assignment]
    shares = _shares(analysis)
    found = []
    for code, members in _FAULT_GROUPS:
        seen = [name for name in members if name in first_seen]
        if THERMAL_COUNTER in seen and len(seen) > 1:
            seen.remove(THERMAL_COUNTER)  # the per-reason bits say more than the all-thermal counter
        parts = []
        for name in seen:
            share = shares.get(name)
            part = f", {share:.1f} % of load time" if share is not None else ""
            label = "NVML's thermal violation counter" if name == THERMAL_COUNTER else name
            parts.append(f"{label} from {first_seen[name]:.0f} s into the load{part}")
        if parts:
            found.append(f"{code}: " + "; ".join(parts))
    return found


def _shares(analysis: ThermalAnalysis) -> dict[str, float]:
    throttle: Mapping[str, object] = analysis.details.get("throttle", {})  # type: ignore[assignment]
    by_reason: Mapping[str, Mapping[str, float]] = throttle.get("by_reason", {})  # type: ignore[assignment]
    return {name: share["percent"] for name, share in by_reason.items()}


def _power_capped_percent(analysis: ThermalAnalysis) -> float | None:
    """The share of the load held at the power limit: the metric, else the breakdown's share."""
    capped = analysis.metrics.get("power_capped_percent")
    return capped if capped is not None else _shares(analysis).get(POWER_CAP)


def _warnings(analysis: ThermalAnalysis, limits: ThermalLimits) -> list[str]:
    m, found = analysis.metrics, []
    peak = m.get("peak_c")
    for label, threshold in (("slowdown", limits.slowdown_c), ("max operating", limits.max_operating_c)):
        if peak is not None and threshold is not None and 0 <= threshold - peak <= NEAR_LIMIT_C:
            found.append(
                f"NEAR_LIMIT: peak {peak:.1f} °C is {threshold - peak:.1f} °C below the {label} {threshold:.0f} °C"
            )
    ratio = m.get("sustained_ratio")
    if ratio is not None and ratio < SUSTAINED_MIN:
        found.append(f"SUSTAINED_PERFORMANCE: worst interval {ratio * 100:.1f} % of the best (under 97 %)")
    drop = m.get("clock_drop_percent")
    if drop is not None and drop > CLOCK_DROP_MAX_PERCENT:
        found.append(f"CLOCK_DROP: SM clock fell {drop:.1f} % from the start of the load to its end (over 10 %)")
    found += _fan_warning(analysis, limits)
    if _unsettled(analysis) and not _too_short(analysis):
        found.append(_no_steady_state(analysis))
    return found


def _unsettled(analysis: ThermalAnalysis) -> bool:
    """A load ran, temperatures were read, it did not settle, and the guard did not cut it short."""
    missing: Mapping[str, str] = analysis.details.get("missing", {})  # type: ignore[assignment]
    m = analysis.metrics
    return (
        m.get("time_to_steady_s") is None
        and m.get("peak_c") is not None
        and missing.get("time_to_steady_s") != "no load phase"
        and not analysis.details.get("stopped_by_guard")
    )


def _too_short(analysis: ThermalAnalysis) -> bool:
    """The load was shorter than its own curve needed to settle (by the fit), or so short that no
    curve could be fitted. Unknown (no load length in the details): not too short."""
    load_s, needed_s = analysis.details.get("load_s"), analysis.details.get("settle_needed_s")
    if not isinstance(load_s, int | float):
        return False
    return not isinstance(needed_s, int | float) or load_s < needed_s


def _fitted_tau(analysis: ThermalAnalysis) -> float | None:
    fit = analysis.details.get("fit")
    tau = fit.get("time_constant_s") if isinstance(fit, Mapping) else None
    return tau if isinstance(tau, int | float) else None


def _end_slope(analysis: ThermalAnalysis) -> str:
    slope = analysis.details.get("end_slope_c_per_min")
    return (
        f"{slope:+.2f} °C/min at the end of the load" if isinstance(slope, float) else "no slope at the end of the load"
    )


def _no_steady_state(analysis: ThermalAnalysis) -> str:
    details, tau = analysis.details, _fitted_tau(analysis)
    load_s, needed_s = details.get("load_s"), details.get("settle_needed_s")
    expected = ""
    if isinstance(load_s, int | float) and isinstance(needed_s, int | float) and tau is not None:
        expected = f" of {load_s:.0f} s, though its fitted curve (τ ≈ {tau:.0f} s) should have by {needed_s:.0f} s"
    return (
        f"NO_STEADY_STATE: the temperature did not settle during the load{expected} (settled: the 60-s slope"
        f" stays under 0.5 °C/min for a further 60 s); {_end_slope(analysis)}"
    )


def _load_too_short(analysis: ThermalAnalysis) -> str:
    details, tau = analysis.details, _fitted_tau(analysis)
    load_s, needed_s = details.get("load_s"), details.get("settle_needed_s")
    assert isinstance(load_s, int | float)
    head = f"LOAD_TOO_SHORT: the load ({load_s:.0f} s) was too short to settle"
    rule = "its 60-s slope stays under 0.5 °C/min for a further 60 s"
    if isinstance(needed_s, int | float) and tau is not None:
        return (
            f"{head}: by its fitted curve (τ ≈ {tau:.0f} s) it needs about {needed_s:.0f} s (~{needed_s / tau:.1f} τ)"
            f" before {rule}; {_end_slope(analysis)}. Run a longer load"
        )
    return (
        f"{head}: the temperature was still rising almost in a straight line ({_end_slope(analysis)}), so no"
        f" time constant could be fitted; settled means {rule}. Run a longer load"
    )


def _fan_warning(analysis: ThermalAnalysis, limits: ThermalLimits) -> list[str]:
    fan: Mapping[str, float | None] = analysis.details.get("fan", {})  # type: ignore[assignment]
    steady_pct, steady_c = fan.get("steady_percent"), analysis.metrics.get("steady_c")
    target = limits.target_c if limits.target_c is not None else limits.max_operating_c
    if steady_pct is None or steady_c is None or target is None:
        return []
    if steady_pct >= FAN_PINNED_PERCENT and steady_c >= target:
        return [
            f"FAN_AT_MAX: fans at {steady_pct:.0f} % and still {steady_c:.1f} °C,"
            f" at or above the target {target:.0f} °C"
        ]
    return []


def _doubts(analysis: ThermalAnalysis, is_gpu: bool) -> list[str]:
    m, found = analysis.metrics, []
    if m.get("peak_c") is None:
        found.append("NO_TEMPERATURE: the device's temperature could not be read")
    busy = analysis.details.get("idle_compute_processes")
    if isinstance(busy, float | int) and busy > 0:
        found.append(
            f"BUSY_GPU: {busy:.0f} compute process(es) ran on the GPU during the idle baseline:"
            " its idle temperature and power are not the card's idle"
        )
    fraction = m.get("power_fraction")
    capped, faults = _power_capped_percent(analysis), m.get("throttle_percent")
    if is_gpu and fraction is not None and fraction < LIGHT_LOAD_RATIO and not capped and not faults:
        found.append(
            f"LIGHT_LOAD: steady power {fraction * 100:.0f} % of the power limit (under 75 %, never power-capped"
            " or slowed): the load did not heat the card fully"
        )
    if _unsettled(analysis) and _too_short(analysis):
        found.append(_load_too_short(analysis))
    return found


def _notes(analysis: ThermalAnalysis, facts: RunFacts) -> list[str]:
    """Lines that do not change the verdict: the normal power cap, an idle that had not settled, a
    cancelled cooldown."""
    notes = []
    share = _power_capped_percent(analysis)
    if share:
        notes.append(f"POWER_LIMITED (normal): held at the power limit {share:.1f} % of load time")
    if analysis.details.get("idle_settled") is False:
        slope = analysis.details.get("idle_slope_c_per_min")
        rate = f" ({slope:+.2f} °C/min over its last minute)" if isinstance(slope, float) else ""
        notes.append(
            f"IDLE_NOT_SETTLED: the idle temperature was still changing{rate} when the load began: idle"
            " temperature and °C per W are not compared with the baseline"
        )
    if facts.cooldown_cancelled_s is not None:
        notes.append(
            f"COOLDOWN_CANCELLED: the user cancelled the cooldown {facts.cooldown_cancelled_s:.0f} s into the test;"
            " the verdict is the load's, the cooldown time is not measured"
        )
    return notes
