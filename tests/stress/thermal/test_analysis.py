"""The cooling test's metrics on hand-made curves whose answers are worked out in the comments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.stress.records import PhaseSpan
from app.stress.thermal.analysis import analyse, cooldown_time_s, time_to_steady_s
from app.stress.thermal.series import ThermalLimits, ThermalSeries
from app.stress.thermal.windows import slope_per_min
from tests.stress.thermal.curves import phases, series_of

IDLE, LOAD, COOL = 120, 600, 300
LIMITS = ThermalLimits(slowdown_c=90.0, max_operating_c=85.0, target_c=83.0)


def _first_order(t: float) -> float:
    """30 °C idle; a step to 80 °C with τ = 90 s during the load; back to 30 °C with τ = 60 s after."""
    if t <= IDLE:
        return 30.0
    if t <= IDLE + LOAD:
        return 80.0 - 50.0 * math.exp(-(t - IDLE) / 90.0)
    end = 80.0 - 50.0 * math.exp(-LOAD / 90.0)
    return 30.0 + (end - 30.0) * math.exp(-(t - IDLE - LOAD) / 60.0)


def _clock(load_s: float) -> float:
    """A boost of 2100 MHz for the first 20 s (start-up, left out), 2000 MHz until 100 s, then 1700 MHz."""
    return 2100.0 if load_s < 20 else 2000.0 if load_s < 100 else 1700.0


def _throughput(load_s: float) -> float:
    """0 while the workload starts (first 5 s), 100 with a dip to 50 from 100 s to 130 s, 90 after 300 s."""
    if load_s < 5:
        return 0.0
    if 100 <= load_s < 130:
        return 50.0
    return 100.0 if load_s < 300 else 90.0


def _card() -> ThermalSeries:
    def loaded(t: float) -> bool:
        return IDLE < t <= IDLE + LOAD

    return series_of(
        IDLE + LOAD + COOL,
        _first_order,
        power_w=lambda t: 320.0 if loaded(t) else 20.0,
        power_limit_w=lambda t: 400.0,
        sm_clock_mhz=lambda t: _clock(t - IDLE) if loaded(t) else 210.0,
        fan_percent=lambda t: min(80.0, 30.0 + (t - IDLE)) if loaded(t) else 30.0,
        throughput=lambda t: _throughput(t - IDLE) if loaded(t) else None,
        throughput_times_s=lambda t: t,
    )


@pytest.fixture(scope="module")
def card() -> dict[str, object]:
    result = analyse(_card(), phases(IDLE, LOAD, COOL), LIMITS)
    return {**result.metrics, "details": result.details}


def test_idle_peak_and_steady_temperatures(card: dict[str, object]) -> None:
    assert card["idle_c"] == pytest.approx(30.0)
    # peak at the load's end: 80 − 50·e^(−600/90) = 79.936
    assert card["peak_c"] == pytest.approx(79.936, abs=0.001)
    # mean of the last 60 s: 80 − 50·(90/60)(e^(−540/90) − e^(−600/90)) = 79.910 (integral; 1 Hz rows within 0.01)
    assert card["steady_c"] == pytest.approx(79.910, abs=0.01)
    assert card["details"]["steady_method"] == "mean of the last 60 s of load"  # type: ignore[index]


def test_time_constant_of_the_load_curve_within_1_percent(card: dict[str, object]) -> None:
    assert card["time_constant_s"] == pytest.approx(90.0, rel=0.01)


def test_time_to_steady_state_of_a_first_order_curve(card: dict[str, object]) -> None:
    # slope at time t is (50/90)·e^(−t/90) °C/s = 33.3·e^(−t/90) °C/min; a 60-s least-squares slope is
    # that at the window's middle (t − 30), 1 % steeper for this curvature. Below 0.5 °C/min when
    # t − 30 > 90·ln(33.3·1.011/0.5) = 379 s, so the first calm window ends at about 409 s.
    assert card["time_to_steady_s"] == pytest.approx(409.0, abs=2.0)


def test_headroom_power_fraction_and_degrees_per_watt(card: dict[str, object]) -> None:
    assert card["headroom_to_slowdown_c"] == pytest.approx(90.0 - 79.936, abs=0.001)
    assert card["headroom_to_max_operating_c"] == pytest.approx(85.0 - 79.936, abs=0.001)
    assert card["power_fraction"] == pytest.approx(320.0 / 400.0)
    # (T_ss − T_idle)/(P_ss − P_idle) = (79.910 − 30)/(320 − 20) = 0.16637 °C/W
    assert card["c_per_w"] == pytest.approx(0.16637, abs=0.0001)


def test_cooldown_time_to_idle_plus_5_c(card: dict[str, object]) -> None:
    # 30 + 49.936·e^(−s/60) ≤ 35 from s = 60·ln(49.936/5) = 138.07 s: the first 1-Hz row is 139 s
    assert card["cooldown_s"] == pytest.approx(139.0)


def test_clock_drop_from_early_load_to_its_last_minute(card: dict[str, object]) -> None:
    # rows 10–30 s into the load: 10 at 2100, 11 at 2000 → median 2000; last minute 1700:
    # (2000 − 1700)/2000 = 15 %
    assert card["clock_drop_percent"] == pytest.approx(15.0)


def test_sustained_ratio_is_worst_over_best_30_s_interval_after_start_up(card: dict[str, object]) -> None:
    # intervals [10, 40), [40, 70), [70, 100), [100, 130) … from 10 s into the load: the dip fills
    # [100, 130) exactly (mean 50), the best intervals are 100: 50/100. The start-up zeros are left out.
    assert card["sustained_ratio"] == pytest.approx(0.5)


def test_fan_response_idle_steady_and_ramp_delay(card: dict[str, object]) -> None:
    # the fan rises 1 point a second from its 30 % idle: 10 points up after 10 s, 80 % from 50 s
    fan = card["details"]["fan"]  # type: ignore[index]
    assert fan == {"idle_percent": 30.0, "steady_percent": 80.0, "ramp_delay_s": 10.0}


def test_one_throughput_interval_gives_no_sustained_ratio() -> None:
    short = series_of(IDLE + 45, _first_order, throughput=lambda t: 100.0, throughput_times_s=lambda t: t)
    result = analyse(short, (PhaseSpan("idle", 0, IDLE), PhaseSpan("load", IDLE, IDLE + 45)), LIMITS)
    assert result.metrics["sustained_ratio"] is None  # only [10, 40) fits in 45 s after start-up


def test_a_load_that_draws_under_a_watt_more_than_idle_has_no_degrees_per_watt() -> None:
    flat = series_of(IDLE + LOAD, _first_order, power_w=lambda t: 20.5 if t > IDLE else 20.0)
    result = analyse(flat, phases(IDLE, LOAD, 0)[:2], LIMITS)
    assert result.metrics["c_per_w"] is None


def test_a_load_that_never_settled_has_no_steady_temperature_only_a_projection_said_as_one() -> None:
    # 200 s of a τ = 90 s rise: still 3.6 °C/min at the end
    short = series_of(IDLE + 200, _first_order, power_w=lambda t: 320.0 if t > IDLE else 20.0)
    result = analyse(short, (PhaseSpan("idle", 0, IDLE), PhaseSpan("load", IDLE, IDLE + 200)), LIMITS)
    assert result.metrics["time_to_steady_s"] is None
    assert result.metrics["steady_c"] is None
    assert result.details["steady_projected_c"] == pytest.approx(80.0, abs=0.05)
    missing = result.details["missing"]
    assert isinstance(missing, dict)
    assert missing["steady_c"].startswith("the temperature had not settled when the load stopped after 200 s")
    assert missing["steady_c"].endswith("the fitted curve projects 80.0 °C")
    assert result.metrics["c_per_w"] is None and missing["c_per_w"] == "no steady temperature (the load did not settle)"
    assert result.metrics["cooldown_s"] is None
    assert missing["cooldown_s"] == "no cooldown phase"
    # 200 s is over 2 τ (180 s): the time constant is still fitted, within 1 %
    assert result.metrics["time_constant_s"] == pytest.approx(90.0, rel=0.01)


def test_a_load_the_guard_stopped_gets_no_projection_at_all() -> None:
    short = series_of(IDLE + 200, _first_order)
    spans = (PhaseSpan("idle", 0, IDLE), PhaseSpan("load", IDLE, IDLE + 200))
    result = analyse(short, spans, LIMITS, stopped_by_guard=True)
    assert result.metrics["steady_c"] is None and result.details["steady_projected_c"] is None
    assert result.details["missing"]["steady_c"] == (  # type: ignore[index]
        "the safety guard stopped the load after 200 s, before the temperature settled"
    )


def test_a_projection_beyond_the_slowdown_temperature_is_not_given() -> None:
    # the same curve heading for 80 °C, on a card whose slowdown is at 75 °C: it would have throttled
    short = series_of(IDLE + 200, _first_order)
    spans = (PhaseSpan("idle", 0, IDLE), PhaseSpan("load", IDLE, IDLE + 200))
    result = analyse(short, spans, ThermalLimits(slowdown_c=75.0, max_operating_c=72.0))
    assert result.metrics["steady_c"] is None and result.details["steady_projected_c"] is None
    assert "projects" not in result.details["missing"]["steady_c"]  # type: ignore[index]


def test_a_load_shorter_than_two_time_constants_gives_no_time_constant() -> None:
    # 60 s of a τ = 90 s rise: the fit has only two thirds of one time constant to go on
    short = series_of(IDLE + 60, _first_order)
    result = analyse(short, (PhaseSpan("idle", 0, IDLE), PhaseSpan("load", IDLE, IDLE + 60)), LIMITS)
    assert result.metrics["time_constant_s"] is None
    reason = result.details["missing"]["time_constant_s"]  # type: ignore[index]
    assert reason.startswith("the load lasted 60 s, under 2 time constants")


def test_ten_seconds_of_load_after_no_idle_gives_no_absurd_clock_drop_and_says_why() -> None:
    # --idle 0 --duration 10: the first reading still shows the idle clock (210 MHz), then 2432 MHz;
    # the clock 10–30 s in and the load's last minute are the same few rows: no clock drop (the trial
    # saw -1058 %, (210 - 2432) / 210)
    series = series_of(
        10, lambda t: 40.0 + t, sm_clock_mhz=lambda t: 210.0 if t < 1 else 2432.0, power_w=lambda t: 450.0
    )
    result = analyse(series, (PhaseSpan("idle", 0, 0), PhaseSpan("load", 0, 10)), LIMITS)
    missing = result.details["missing"]
    assert isinstance(missing, dict)
    assert result.metrics["clock_drop_percent"] is None
    assert missing["clock_drop_percent"].startswith("the load (10 s) was shorter than 90 s")
    assert result.metrics["idle_c"] is None and missing["idle_c"] == "no idle phase"
    assert missing["c_per_w"] == "no idle phase: no idle power and temperature to compare with"
    assert result.metrics["time_constant_s"] is None and result.metrics["steady_c"] is None
    # ten seconds of a rise predict nothing: no projection (the trial got 117.4 °C as "steady"), and
    # no time the curve would need to settle
    assert result.details["steady_projected_c"] is None and "projects" not in missing["steady_c"]
    assert result.details["settle_needed_s"] is None


def test_without_temperature_readings_every_temperature_metric_says_so() -> None:
    # a VM without a CPU sensor: nothing was read, so nothing "did not settle" or "did not cool"
    series = series_of(IDLE + LOAD + COOL, lambda t: None, power_w=lambda t: 100.0)
    result = analyse(series, phases(IDLE, LOAD, COOL), LIMITS)
    missing = result.details["missing"]
    assert isinstance(missing, dict)
    assert missing["idle_c"] == "no temperature readings during the idle phase"
    assert missing["peak_c"] == "no temperature readings"
    for key in ("steady_c", "time_to_steady_s", "time_constant_s"):
        assert missing[key] == "no temperature readings during the load", key
    assert missing["cooldown_s"] == "no idle temperature to cool down to"
    assert missing["headroom_to_slowdown_c"] == "no temperature readings"


def test_idle_power_missing_is_named_as_such_when_the_load_drew_power() -> None:
    series = series_of(IDLE + LOAD, _first_order, power_w=lambda t: 320.0 if t > IDLE else None)
    result = analyse(series, phases(IDLE, LOAD, 0)[:2], LIMITS)
    assert result.metrics["power_fraction"] is None  # no limit read, but the power was
    assert result.details["missing"]["c_per_w"] == "no power readings in the idle phase"  # type: ignore[index]


def test_an_idle_still_cooling_is_flagged_and_gives_no_degrees_per_watt() -> None:
    # the card cools 2 °C/min through the whole idle (from 64 °C), then the usual load
    def cooling(t: float) -> float:
        return 64.0 - 2.0 * t / 60.0 if t <= IDLE else _first_order(t) + 30.0

    series = series_of(IDLE + LOAD, cooling, power_w=lambda t: 320.0 if t > IDLE else 20.0)
    result = analyse(series, phases(IDLE, LOAD, 0)[:2], LIMITS)
    assert result.details["idle_settled"] is False
    assert result.details["idle_slope_c_per_min"] == pytest.approx(-2.0, abs=1e-6)
    assert result.metrics["c_per_w"] is None
    assert result.details["missing"]["c_per_w"] == (  # type: ignore[index]
        "the idle temperature had not settled (-2.00 °C/min over the idle's last minute)"
    )
    # the idle temperature is the mean of its last minute: 64 - 2·(90 s)/60 = 61.0 °C (rows 60–120)
    assert result.metrics["idle_c"] == pytest.approx(61.0)


def test_missing_power_leaves_power_metrics_none_with_a_reason() -> None:
    result = analyse(series_of(IDLE + LOAD, _first_order), phases(IDLE, LOAD, 0)[:2], LIMITS)
    assert result.metrics["c_per_w"] is None and result.metrics["power_fraction"] is None
    assert "power" in result.details["missing"]["c_per_w"]  # type: ignore[index]


def test_unknown_thresholds_leave_headroom_none() -> None:
    result = analyse(series_of(IDLE + LOAD, _first_order), phases(IDLE, LOAD, 0)[:2], ThermalLimits())
    assert result.metrics["headroom_to_slowdown_c"] is None
    assert result.details["missing"]["headroom_to_slowdown_c"] == "the slowdown temperature is not known"  # type: ignore[index]


def _steady(temps: list[float]) -> float | None:
    t = np.arange(float(len(temps)))
    return time_to_steady_s(t, np.array(temps))


def test_steady_state_after_a_step_is_the_end_of_the_first_window_past_it() -> None:
    # 30 °C until 100 s, then 70 °C: a window holding even one 30 °C row has a slope of 3.8 °C/min,
    # the first window wholly after the step ends at 160 s, and all later ones are flat
    temps = [30.0 if t < 100 else 70.0 for t in range(400)]
    assert _steady(temps) == 160.0


def test_a_slow_drift_under_half_a_degree_a_minute_is_steady_from_the_first_window() -> None:
    assert _steady([40.0 + 0.45 * t / 60 for t in range(300)]) == 60.0


def test_a_drift_over_half_a_degree_a_minute_never_settles() -> None:
    assert _steady([40.0 + 0.55 * t / 60 for t in range(600)]) is None


def test_a_calm_minute_that_does_not_last_another_minute_is_not_steady() -> None:
    # flat for 90 s (the window ending at 60 s is calm), then rising 2 °C/min: by the window ending
    # at 120 s the slope is 1 °C/min, so the calm did not hold for 60 s; it never settles after
    temps = [40.0 if t < 90 else 40.0 + 2.0 * (t - 90) / 60 for t in range(600)]
    assert _steady(temps) is None


def test_steady_state_needs_a_whole_minute_after_the_calm_window() -> None:
    assert _steady([50.0] * 100) is None  # the first calm window ends at 60 s, but the data stop at 99 s


def test_cooldown_ends_at_the_first_reading_at_or_below_idle_plus_5_c() -> None:
    times = [100.0, 110.0, 120.0, 130.0]
    assert cooldown_time_s(times, [80.0, 50.0, 35.0, 34.0], 100.0, 130.0, idle_c=30.0) == 20.0
    assert cooldown_time_s(times, [80.0, 50.0, None, 35.1], 100.0, 130.0, idle_c=30.0) is None


def test_compute_processes_are_counted_over_the_idle_phase_only() -> None:
    busy = series_of(IDLE + LOAD, _first_order, compute_processes=lambda t: 2.0 if 50 <= t < 60 or t > IDLE else 0.0)
    result = analyse(busy, phases(IDLE, LOAD, 0)[:2], LIMITS)
    assert result.details["idle_compute_processes"] == 0.0  # the last minute of idle was clean: 60–120 s
    late = series_of(IDLE + LOAD, _first_order, compute_processes=lambda t: 1.0 if 100 <= t < 110 else 0.0)
    assert analyse(late, phases(IDLE, LOAD, 0)[:2], LIMITS).details["idle_compute_processes"] == 1.0


def test_a_drift_of_exactly_half_a_degree_a_minute_is_not_below_it() -> None:
    # a reading every 15 s rising 0.125 °C each: every 60-s window (five readings) has the least-squares
    # slope (0.125 / 15) · 60 = 0.5 °C/min exactly (dyadic values, no rounding); the rule is "below 0.5"
    t = np.arange(0.0, 301.0, 15.0)
    assert time_to_steady_s(t, 40.0 + 0.125 * t / 15.0) is None


def test_a_falling_temperature_is_not_steady_either() -> None:
    # the mirror of the step up: 70 °C until 100 s, then 30 °C. The window ending at 60 s is flat, but
    # the windows ending 100–159 s hold the drop (a slope of −3.8 °C/min, as steep as the rise's
    # +3.8): the calm did not last; the first window wholly after the drop ends at 160 s
    assert _steady([70.0 if t < 100 else 30.0 for t in range(400)]) == 160.0


def test_power_fraction_is_the_steady_power_not_the_start_up_peak() -> None:
    # 380 W for the first 100 s of the load (boost), then 320 W: the last minute's mean is 320 W,
    # so 320 / 400 = 0.8 (the 380-W start would give 0.95)
    boost = series_of(
        IDLE + LOAD,
        _first_order,
        power_w=lambda t: 20.0 if t <= IDLE else 380.0 if t < IDLE + 100 else 320.0,
        power_limit_w=lambda t: 400.0,
    )
    result = analyse(boost, phases(IDLE, LOAD, 0)[:2], LIMITS)
    assert result.metrics["power_fraction"] == pytest.approx(0.8)
    assert result.details["power_max_w"] == 380.0


def test_a_load_that_draws_exactly_one_watt_more_than_idle_has_degrees_per_watt() -> None:
    # 21 W against 20 W idle: a rise of exactly 1 W is not "under a watt";
    # (79.910 − 30) / 1 = 49.910 °C/W (T_ss as in test_idle_peak_and_steady_temperatures)
    one_watt = series_of(IDLE + LOAD, _first_order, power_w=lambda t: 21.0 if t > IDLE else 20.0)
    result = analyse(one_watt, phases(IDLE, LOAD, 0)[:2], LIMITS)
    assert result.metrics["c_per_w"] == pytest.approx(49.910, abs=0.01)


def test_a_slope_needs_three_readings() -> None:
    # two readings always lie on a line: they say nothing about whether the curve has settled
    assert slope_per_min(np.array([0.0, 60.0]), np.array([40.0, 41.0])) is None
    assert slope_per_min(np.array([0.0, 30.0, 60.0]), np.array([40.0, 40.5, 41.0])) == pytest.approx(1.0)


def test_the_peak_is_the_hottest_reading_of_the_whole_test() -> None:
    # the sensor lags the load: the hottest reading, 81 °C, comes 1 s into the cooldown
    lagging = series_of(IDLE + LOAD + COOL, lambda t: 81.0 if t == IDLE + LOAD + 1 else _first_order(t))
    result = analyse(lagging, phases(IDLE, LOAD, COOL), LIMITS)
    assert result.metrics["peak_c"] == 81.0
    assert result.metrics["headroom_to_slowdown_c"] == 9.0
