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
