"""The step-response fit on curves whose answer is known by construction."""

from __future__ import annotations

import numpy as np
import pytest

from app.stress.thermal.fit import fit_step_response


def test_pure_exponential_with_tau_90_s_and_steady_80_c_is_recovered_within_1_percent() -> None:
    t = np.arange(0.0, 600.0)  # 1 Hz, ten minutes of load
    temps = 80.0 - (80.0 - 30.0) * np.exp(-t / 90.0)
    fit = fit_step_response(t, temps)
    assert fit is not None
    assert fit.time_constant_s == pytest.approx(90.0, rel=0.01)
    assert fit.steady_c == pytest.approx(80.0, rel=0.01)
    assert fit.start_c == pytest.approx(30.0, abs=0.3)


def test_the_fit_does_not_depend_on_where_the_clock_started() -> None:
    t = np.arange(0.0, 600.0)
    temps = 80.0 - 50.0 * np.exp(-t / 90.0)
    fit = fit_step_response(t + 1234.5, temps)
    assert fit is not None and fit.time_constant_s == pytest.approx(90.0, rel=0.01)


def test_sensor_noise_of_a_third_of_a_degree_moves_tau_by_under_3_percent() -> None:
    t = np.arange(0.0, 600.0)
    noise = np.random.default_rng(7).normal(0.0, 0.3, t.size)
    fit = fit_step_response(t, 80.0 - 50.0 * np.exp(-t / 90.0) + noise)
    assert fit is not None
    assert fit.time_constant_s == pytest.approx(90.0, rel=0.03)
    assert fit.steady_c == pytest.approx(80.0, abs=0.2)


def test_a_straight_line_has_no_time_constant_within_the_search() -> None:
    t = np.arange(0.0, 300.0)
    fit = fit_step_response(t, 30.0 + 0.01 * t)
    assert fit is not None and fit.at_search_edge


def test_too_few_points_give_no_fit() -> None:
    assert fit_step_response(np.arange(5.0), np.arange(5.0)) is None


def test_rms_residual_is_in_degrees_not_squared_degrees() -> None:
    # readings alternating 0.5 °C above and below the curve: the curve itself is still the best fit
    # (the alternation is orthogonal to a smooth step), so the residual is 0.5 °C at every reading
    # and its root-mean-square is 0.5 °C (the mean square would be 0.25)
    t = np.arange(0.0, 600.0)
    fit = fit_step_response(t, 80.0 - 50.0 * np.exp(-t / 90.0) + np.where(t % 2 == 0, 0.5, -0.5))
    assert fit is not None
    assert fit.rms_c == pytest.approx(0.5, abs=0.005)
