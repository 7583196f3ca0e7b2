"""The verdict rules of research/stress-and-thermal.md §10.4, one case each, at their edges."""

from __future__ import annotations

from typing import Any

import pytest

from app.stress.thermal.analysis import ThermalAnalysis
from app.stress.thermal.series import ThermalLimits
from app.stress.thermal.verdict import RunFacts, decide

# an RTX 4090's thresholds (resources/gpu_catalog.json): max operating 90, slowdown 96, target 84
LIMITS = ThermalLimits(slowdown_c=96.0, max_operating_c=90.0, target_c=84.0)
HEALTHY = {
    "peak_c": 78.0,
    "steady_c": 77.5,
    "time_to_steady_s": 300.0,
    "sustained_ratio": 0.99,
    "clock_drop_percent": 1.0,
    "power_fraction": 1.0,
}


def _analysis(
    metrics: dict[str, Any] | None = None,
    shares: dict[str, float] | None = None,
    first_seen: dict[str, float] | None = None,
    fan: dict[str, float] | None = None,
) -> ThermalAnalysis:
    shares = {"sw_power_cap": 100.0} if shares is None else shares
    details: dict[str, object] = {
        "throttle": {"by_reason": {k: {"percent": v, "source": "sampled"} for k, v in shares.items()}},
        "reasons_first_seen_s": first_seen or dict.fromkeys(shares, 1.0),
        "fan": fan or {"steady_percent": 80.0},
        "missing": {},
    }
    return ThermalAnalysis({**HEALTHY, **(metrics or {})}, details)


def _codes(reasons: tuple[str, ...]) -> list[str]:
    return [r.split(":")[0] for r in reasons]


def test_a_power_capped_card_below_its_limits_passes_and_the_cap_is_called_normal() -> None:
    verdict, reasons = decide(_analysis(), LIMITS, RunFacts())
    assert verdict == "pass"
    assert reasons == ("POWER_LIMITED (normal): held at the power limit 100.0 % of load time",)


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("hw_slowdown", "HW_SLOWDOWN"),
        ("sw_thermal_slowdown", "THERMAL_SLOWDOWN"),
        ("hw_thermal_slowdown", "THERMAL_SLOWDOWN"),
        ("hw_power_brake", "POWER_BRAKE"),
        ("thermal", "THERMAL_SLOWDOWN"),  # NVML's thermal violation counter
    ],
)
def test_each_of_dcgms_failure_reasons_fails_the_test_with_when_and_how_long(reason: str, code: str) -> None:
    analysis = _analysis(shares={reason: 3.4}, first_seen={reason: 412.0})
    verdict, reasons = decide(analysis, LIMITS, RunFacts())
    assert verdict == "fail"
    assert reasons[0].startswith(f"{code}: ")
    assert "412 s into the load" in reasons[0] and "3.4 % of load time" in reasons[0]


@pytest.mark.parametrize("reason", ["sw_power_cap", "sync_boost", "applications_clocks_setting"])
def test_reasons_dcgm_does_not_fail_on_do_not_fail(reason: str) -> None:
    assert decide(_analysis(shares={reason: 50.0}), LIMITS, RunFacts())[0] == "pass"


def test_a_peak_above_the_max_operating_temperature_fails_but_reaching_it_only_warns() -> None:
    above = decide(_analysis({"peak_c": 90.1}), LIMITS, RunFacts())
    assert above[0] == "fail" and "TEMPERATURE" in _codes(above[1])
    at = decide(_analysis({"peak_c": 90.0}), LIMITS, RunFacts())  # DCGM's test is a strict >
    assert at[0] == "warn" and "TEMPERATURE" not in _codes(at[1])


def test_without_a_max_operating_temperature_the_slowdown_temperature_is_the_limit() -> None:
    limits = ThermalLimits(slowdown_c=96.0)
    assert decide(_analysis({"peak_c": 95.0}), limits, RunFacts())[0] == "warn"
    verdict, reasons = decide(_analysis({"peak_c": 96.5}), limits, RunFacts())
    assert verdict == "fail" and "above the slowdown temperature 96 °C" in reasons[0]


# NVML reads whole degrees, so a peak exactly 5 °C below is common: "within 5 °C" includes it, as the
# safety guard's "within 5 °C of critical" does (it stops at critical − 5)
@pytest.mark.parametrize(("peak", "verdict"), [(84.9, "pass"), (85.0, "warn"), (85.1, "warn"), (91.5, "fail")])
def test_within_5_c_of_max_operating_or_slowdown_warns(peak: float, verdict: str) -> None:
    got, reasons = decide(_analysis({"peak_c": peak}), LIMITS, RunFacts())
    assert got == verdict
    if verdict == "warn":
        assert reasons[0] == f"NEAR_LIMIT: peak {peak:.1f} °C is {90 - peak:.1f} °C below the max operating 90 °C"


@pytest.mark.parametrize(("ratio", "verdict"), [(0.97, "pass"), (0.969, "warn")])
def test_sustained_performance_under_97_percent_warns(ratio: float, verdict: str) -> None:
    assert decide(_analysis({"sustained_ratio": ratio}), LIMITS, RunFacts())[0] == verdict


@pytest.mark.parametrize(("drop", "verdict"), [(10.0, "pass"), (10.5, "warn")])
def test_a_clock_drop_over_10_percent_warns(drop: float, verdict: str) -> None:
    assert decide(_analysis({"clock_drop_percent": drop}), LIMITS, RunFacts())[0] == verdict


def test_fans_at_95_percent_at_or_above_the_target_temperature_warn() -> None:
    hot = _analysis({"steady_c": 84.0, "peak_c": 84.5}, fan={"steady_percent": 96.0})
    verdict, reasons = decide(hot, LIMITS, RunFacts())
    assert verdict == "warn" and "FAN_AT_MAX" in _codes(reasons)
    cool = _analysis({"steady_c": 83.0, "peak_c": 83.5}, fan={"steady_percent": 96.0})
    assert "FAN_AT_MAX" not in _codes(decide(cool, LIMITS, RunFacts())[1])


def test_no_steady_state_warns() -> None:
    verdict, reasons = decide(_analysis({"time_to_steady_s": None}), LIMITS, RunFacts())
    assert verdict == "warn" and "NO_STEADY_STATE" in _codes(reasons)


def test_a_light_load_without_the_power_cap_is_inconclusive_but_a_capped_one_is_not() -> None:
    light = _analysis({"power_fraction": 0.74}, shares={})
    verdict, reasons = decide(light, LIMITS, RunFacts())
    assert verdict == "inconclusive" and reasons[0].startswith("LIGHT_LOAD: steady power 74 % of the power limit")
    assert decide(_analysis({"power_fraction": 0.75}, shares={}), LIMITS, RunFacts())[0] == "pass"
    assert decide(_analysis({"power_fraction": 0.5}), LIMITS, RunFacts())[0] == "pass"  # capped: a lowered limit


def test_the_light_load_rule_is_for_gpus_only() -> None:
    assert decide(_analysis({"power_fraction": 0.2}, shares={}), ThermalLimits(), RunFacts(), is_gpu=False)[0] == "pass"


def test_no_temperature_at_all_is_inconclusive() -> None:
    empty = _analysis({"peak_c": None, "steady_c": None, "time_to_steady_s": None}, shares={})
    verdict, reasons = decide(empty, LIMITS, RunFacts())
    assert verdict == "inconclusive" and _codes(reasons) == ["NO_TEMPERATURE"]


def test_errors_a_failed_workload_and_a_safety_stop_each_fail() -> None:
    assert (
        decide(_analysis(), LIMITS, RunFacts(errors=1))[1][0] == "COMPUTE_ERRORS: 1 result mismatch(es) during the load"
    )
    assert decide(_analysis(), LIMITS, RunFacts(workload_failure="worker died"))[1][0] == "WORKLOAD_FAILED: worker died"
    verdict, reasons = decide(_analysis(), LIMITS, RunFacts(safety_stop="GPU 0 at 94 °C"))
    assert verdict == "fail" and reasons[0] == "SAFETY_STOP: the load was stopped early: GPU 0 at 94 °C"


def test_a_baseline_warning_makes_a_passing_run_warn() -> None:
    verdict, reasons = decide(_analysis(), LIMITS, RunFacts(extra_warnings=("BASELINE_RTH: 20 % above",)))
    assert verdict == "warn" and "BASELINE_RTH: 20 % above" in reasons


def test_compute_processes_during_the_idle_baseline_make_it_inconclusive() -> None:
    analysis = _analysis()
    analysis.details["idle_compute_processes"] = 1.0
    verdict, reasons = decide(analysis, LIMITS, RunFacts())
    assert verdict == "inconclusive" and reasons[0].startswith("BUSY_GPU: 1 compute process(es)")


def test_a_warning_outranks_a_light_load() -> None:
    # the order of research §10.4: FAIL, then WARN, then INCONCLUSIVE. A light load that still lost
    # 15 % of its clock is a warning (with the doubt said after it), not just "inconclusive"
    both = _analysis({"power_fraction": 0.5, "clock_drop_percent": 15.0}, shares={})
    verdict, reasons = decide(both, LIMITS, RunFacts())
    assert verdict == "warn"
    assert _codes(reasons) == ["CLOCK_DROP", "LIGHT_LOAD"]


def _unsettled(load_s: float, needed_s: float | None, tau: float | None, **details: object) -> ThermalAnalysis:
    analysis = _analysis({"time_to_steady_s": None, "steady_c": None})
    analysis.details.update(load_s=load_s, settle_needed_s=needed_s, end_slope_c_per_min=0.36, **details)
    if tau is not None:
        analysis.details["fit"] = {"time_constant_s": tau}
    return analysis


def test_a_load_shorter_than_its_curve_needs_to_settle_is_inconclusive_and_says_the_rule() -> None:
    # the trial's quick 5-minute test of a healthy RTX 4090 (τ ≈ 59 s, needs ~362 s): not a warning
    verdict, reasons = decide(_unsettled(300.0, 362.0, 59.0), LIMITS, RunFacts())
    assert verdict == "inconclusive"
    assert reasons[0] == (
        "LOAD_TOO_SHORT: the load (300 s) was too short to settle: by its fitted curve (τ ≈ 59 s) it needs about"
        " 362 s (~6.1 τ) before its 60-s slope stays under 0.5 °C/min for a further 60 s; +0.36 °C/min at the"
        " end of the load. Run a longer load"
    )
    assert "NO_STEADY_STATE" not in _codes(reasons)


def test_a_curve_too_straight_to_fit_is_a_load_too_short_as_well() -> None:
    verdict, reasons = decide(_unsettled(60.0, None, None), LIMITS, RunFacts())
    assert verdict == "inconclusive" and reasons[0].startswith("LOAD_TOO_SHORT: the load (60 s) was too short")
    assert "no time constant could be fitted" in reasons[0]


def test_a_load_long_enough_to_settle_that_did_not_warns_with_the_real_rule() -> None:
    verdict, reasons = decide(_unsettled(900.0, 362.0, 59.0), LIMITS, RunFacts())
    assert verdict == "warn"
    assert reasons[0] == (
        "NO_STEADY_STATE: the temperature did not settle during the load of 900 s, though its fitted curve"
        " (τ ≈ 59 s) should have by 362 s (settled: the 60-s slope stays under 0.5 °C/min for a further 60 s);"
        " +0.36 °C/min at the end of the load"
    )


def test_a_load_the_guard_stopped_is_neither_unsettled_nor_too_short_it_failed() -> None:
    analysis = _unsettled(150.0, 400.0, 80.0, stopped_by_guard=True)
    verdict, reasons = decide(analysis, LIMITS, RunFacts(safety_stop="GPU 0 at 90 °C ≥ max operating 90 °C"))
    assert verdict == "fail"
    assert not {"NO_STEADY_STATE", "LOAD_TOO_SHORT"} & set(_codes(reasons))


def test_one_thermal_slowdown_is_one_line_even_when_two_sources_time_it() -> None:
    shares = {"sw_thermal_slowdown": 6.1, "thermal": 6.1, "sw_power_cap": 80.0}
    first_seen = {"sw_thermal_slowdown": 131.0, "thermal": 130.0}
    verdict, reasons = decide(_analysis(shares=shares, first_seen=first_seen), LIMITS, RunFacts())
    assert verdict == "fail"
    assert _codes(reasons).count("THERMAL_SLOWDOWN") == 1
    assert reasons[0] == "THERMAL_SLOWDOWN: sw_thermal_slowdown from 131 s into the load, 6.1 % of load time"


def test_sw_and_hw_thermal_slowdown_share_one_line() -> None:
    shares = {"sw_thermal_slowdown": 20.0, "hw_thermal_slowdown": 2.0}
    first_seen = {"sw_thermal_slowdown": 100.0, "hw_thermal_slowdown": 300.0}
    reasons = decide(_analysis(shares=shares, first_seen=first_seen), LIMITS, RunFacts())[1]
    assert reasons[0] == (
        "THERMAL_SLOWDOWN: sw_thermal_slowdown from 100 s into the load, 20.0 % of load time;"
        " hw_thermal_slowdown from 300 s into the load, 2.0 % of load time"
    )
    assert _codes(reasons).count("THERMAL_SLOWDOWN") == 1


def test_a_power_cap_counter_that_never_moved_does_not_excuse_a_light_load() -> None:
    # NVML's counters report sw_power_cap at 0 % on a card that was never capped: still light
    light = _analysis({"power_fraction": 0.5, "power_capped_percent": 0.0, "throttle_percent": 0.0}, shares={})
    light.details["throttle"] = {"by_reason": {"sw_power_cap": {"percent": 0.0, "source": "counter"}}}
    verdict, reasons = decide(light, LIMITS, RunFacts())
    assert verdict == "inconclusive" and reasons[0].startswith("LIGHT_LOAD: steady power 50 %")


def test_a_card_whose_heat_lowered_its_power_is_not_a_light_load() -> None:
    slowed = _analysis({"power_fraction": 0.67, "power_capped_percent": 9.0, "throttle_percent": 91.0}, shares={})
    slowed.metrics["power_capped_percent"] = 0.0
    assert "LIGHT_LOAD" not in _codes(decide(slowed, LIMITS, RunFacts())[1])


def test_the_power_limited_note_reads_the_power_capped_share() -> None:
    analysis = _analysis({"power_capped_percent": 42.5}, shares={})
    assert decide(analysis, LIMITS, RunFacts()) == (
        "pass",
        ("POWER_LIMITED (normal): held at the power limit 42.5 % of load time",),
    )


def test_an_idle_that_had_not_settled_is_noted_without_changing_the_verdict() -> None:
    analysis = _analysis()
    analysis.details.update(idle_settled=False, idle_slope_c_per_min=-17.0)
    verdict, reasons = decide(analysis, LIMITS, RunFacts())
    assert verdict == "pass"
    assert reasons[-1] == (
        "IDLE_NOT_SETTLED: the idle temperature was still changing (-17.00 °C/min over its last minute) when the"
        " load began: idle temperature and °C per W are not compared with the baseline"
    )


def test_a_cancelled_cooldown_keeps_the_loads_findings_and_says_so() -> None:
    analysis = _analysis(shares={"sw_thermal_slowdown": 12.0}, first_seen={"sw_thermal_slowdown": 150.0})
    facts = RunFacts(safety_stop="GPU 0 at 90 °C ≥ max operating 90 °C", cooldown_cancelled_s=260.0)
    verdict, reasons = decide(analysis, LIMITS, facts)
    assert verdict == "fail"
    assert _codes(reasons)[:2] == ["SAFETY_STOP", "THERMAL_SLOWDOWN"]
    assert reasons[-1].startswith("COOLDOWN_CANCELLED: the user cancelled the cooldown 260 s into the test")
