"""Comparison with this machine's earlier cooling tests of the same device."""

from __future__ import annotations

from typing import Any

from app.stress.thermal.baseline import choose_baseline, compare_with_baseline


def _run(started_at: str, verdict: str, steady_c: float, c_per_w: float, **extra: Any) -> dict[str, Any]:
    return {
        "schema": "aiwm.thermal/1",
        "device": "gpu0",
        "started_at": started_at,
        "verdict": verdict,
        "simulated": False,
        "metrics": {"steady_c": steady_c, "idle_c": 30.0, "c_per_w": c_per_w},
        **extra,
    }


FIRST_PASS = _run("2026-11-02T09:00:00.000Z", "pass", 70.0, 0.100)
LATER_FAIL = _run("2026-11-10T09:00:00.000Z", "fail", 74.0, 0.110)


def test_two_stored_runs_the_first_passing_one_is_the_baseline_and_the_lines_carry_numbers() -> None:
    current = _run("2026-11-28T09:00:00.000Z", "pass", 76.0, 0.120)
    result = compare_with_baseline(current, [FIRST_PASS, LATER_FAIL])
    assert result.baseline_started_at == "2026-11-02T09:00:00.000Z"
    assert result.lines == (
        "steady temperature 6.0 °C higher than your baseline of 2026-11-02 (70.0 °C)",
        "idle temperature 30.0 °C, the same as your baseline of 2026-11-02 (30.0 °C)",
        "effective thermal resistance 0.120 °C/W, 20 % above your baseline's 0.100 °C/W of 2026-11-02",
    )
    assert result.warnings == (
        "BASELINE_RTH: effective thermal resistance 0.120 °C/W is 20 % above the baseline 0.100 °C/W"
        " of 2026-11-02 (over 15 %)",
    )


def test_a_resistance_up_to_15_percent_above_the_baseline_does_not_warn() -> None:
    current = _run("2026-11-28T09:00:00.000Z", "pass", 71.0, 0.115)
    assert compare_with_baseline(current, [FIRST_PASS]).warnings == ()


def test_the_latest_marked_baseline_wins_over_the_first_passing_run() -> None:
    older = _run("2026-11-15T09:00:00.000Z", "pass", 71.0, 0.102, baseline=True)
    marked = _run("2026-11-20T09:00:00.000Z", "warn", 72.0, 0.104, baseline=True)
    current = _run("2026-11-28T09:00:00.000Z", "pass", 72.0, 0.1)
    assert choose_baseline(current, [FIRST_PASS, older, marked]) is marked


def test_other_devices_other_cards_and_simulated_runs_are_not_baselines() -> None:
    current = _run("2026-11-28T09:00:00.000Z", "pass", 72.0, 0.1, details={"device_uuid": "GPU-a"})
    others = [
        {**FIRST_PASS, "device": "gpu1"},
        {**FIRST_PASS, "simulated": True},
        {**FIRST_PASS, "details": {"device_uuid": "GPU-b"}},  # the card in slot 0 was swapped
    ]
    result = compare_with_baseline(current, others)
    assert result.baseline_started_at is None
    assert result.lines == ("no earlier passing run of this device to compare with",)


def test_the_run_itself_is_not_its_own_baseline() -> None:
    assert choose_baseline(FIRST_PASS, [FIRST_PASS]) is None


def test_a_cooler_run_says_lower() -> None:
    current = _run("2026-11-28T09:00:00.000Z", "pass", 65.5, 0.09)
    lines = compare_with_baseline(current, [FIRST_PASS]).lines
    assert lines[0] == "steady temperature 4.5 °C lower than your baseline of 2026-11-02 (70.0 °C)"
    assert lines[2] == "effective thermal resistance 0.090 °C/W, 10 % below your baseline's 0.100 °C/W of 2026-11-02"


def test_a_difference_of_exactly_half_a_degree_is_not_the_same() -> None:
    # "the same" is a difference under 0.5 °C; 70.5 against 70.0 is 0.5 °C higher
    current = _run("2026-11-28T09:00:00.000Z", "pass", 70.5, 0.100)
    assert compare_with_baseline(current, [FIRST_PASS]).lines[0] == (
        "steady temperature 0.5 °C higher than your baseline of 2026-11-02 (70.0 °C)"
    )


def test_an_earlier_warning_run_is_not_the_baseline_the_first_passing_one_is() -> None:
    warned = _run("2026-11-01T09:00:00.000Z", "warn", 69.0, 0.090)
    current = _run("2026-11-28T09:00:00.000Z", "pass", 72.0, 0.1)
    assert choose_baseline(current, [warned, FIRST_PASS]) is FIRST_PASS


def test_a_projected_steady_temperature_is_never_compared_with_the_baseline() -> None:
    # the trial: a degraded card stopped by the guard, stored before issue 9 with the fitted
    # asymptote as its steady temperature (111.9 °C), then "39.7 °C higher" than a healthy baseline
    projected = {"steady_method": "fitted asymptote (the load never settled)"}
    current = _run("2026-11-28T09:00:00.000Z", "fail", 111.9, 0.200, details=projected)
    lines = compare_with_baseline(current, [FIRST_PASS]).lines
    assert not any(line.startswith("steady temperature") for line in lines)
    assert not any("thermal resistance" in line for line in lines)  # °C per W from the projection too
    old_baseline = {**FIRST_PASS, "details": projected}
    now = _run("2026-11-28T09:00:00.000Z", "pass", 70.5, 0.100)
    assert not any(line.startswith("steady temperature") for line in compare_with_baseline(now, [old_baseline]).lines)


def test_an_idle_that_had_not_settled_is_not_compared_and_neither_is_its_degrees_per_watt() -> None:
    # the trial: an idle taken while the card cooled from 63 to 46 °C gave "idle 25.1 °C higher" and
    # "thermal resistance 51 % below"
    cooling = {"steady_method": "mean of the last 60 s of load", "idle_settled": False}
    current = _run("2026-11-28T09:00:00.000Z", "pass", 70.0, 0.049, details=cooling)
    result = compare_with_baseline(current, [FIRST_PASS])
    assert result.lines == ("steady temperature 70.0 °C, the same as your baseline of 2026-11-02 (70.0 °C)",)
    assert result.warnings == ()
