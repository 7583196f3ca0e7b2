"""The simulator's answer key, checked against a hand solution of its model."""

from __future__ import annotations

import pytest

from app.core.gpu.catalog import default_catalog
from app.stress.thermal.truth import simulated_truth


def test_rtx4090_at_its_450_w_limit_hand_solved() -> None:
    # Model (app/core/gpu/thermal.py, rtx4090 in resources/gpu_catalog.json): T = 25 + P·R(f),
    # R(f) = 0.105·(1 + 0.7·(1 − f/100)), fan f = 30 + (T − 45)·70/43 while ramping. At P = 450 W:
    # T = 25 + 47.25·(2.00282 − 0.011395·T) → 1.53842·T = 119.633 → T_ss = 77.76 °C (fan 83 %).
    # Linearised: T_eq(T) has slope −0.53842, so deviations decay with τ/1.53842 = 90/1.53842 = 58.50 s.
    truth = simulated_truth(default_catalog()["rtx4090"].thermal, 450.0)
    assert truth["steady_c"] == pytest.approx(77.76, abs=0.01)
    assert truth["time_constant_s"] == pytest.approx(58.50, abs=0.05)
    assert truth["model_time_constant_s"] == 90.0


def test_with_the_fan_pinned_the_closed_loop_time_constant_is_the_models() -> None:
    # rtx4090-degraded: fan capped at 55 %, reached at 60.4 °C, so at steady state R is constant:
    # R = 0.16·(1 + 0.7·0.45) = 0.2104; at 300 W T_ss = 25 + 63.12 = 88.12 °C and τ is the model's 110 s
    truth = simulated_truth(default_catalog()["rtx4090-degraded"].thermal, 300.0)
    assert truth["steady_c"] == pytest.approx(88.12, abs=0.01)
    assert truth["time_constant_s"] == pytest.approx(110.0, abs=0.01)
