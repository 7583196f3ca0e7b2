"""The planner's largest values: one table, used by the command line and the Planner page alike."""

from __future__ import annotations

import pytest

from app.core.errors import UserError
from app.planner import limits
from app.planner.catalog import find_model
from app.planner.plan import make_plan
from app.planner.records import PlanRequest


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("params", 1e30, "--params 1e+30 is more than the most the planner takes (100,000,000,000,000)"),
        ("tokens", 1e30, "--tokens 1e+30 is more than the most the planner takes (1e+16)"),
        ("months", 1e6, "--months 1,000,000 is more than the most the planner takes (120)"),
        ("deadline_hours", 87_601, "--deadline-hours 87,601 is more than the most the planner takes (87,600)"),
        ("budget_usd", 2e10, "--budget 20,000,000,000 is more than the most the planner takes (10,000,000,000)"),
        ("batch", 1_000_000, "--batch 1,000,000 is more than the most the planner takes (65,536)"),
        ("context", 10_485_761, "--context 10,485,761 is more than the most the planner takes (10,485,760)"),
        ("layers", 1e9, "--layers 1,000,000,000 is more than the most the planner takes (1,000)"),
        ("deadline_hours", float("inf"), "--deadline-hours inf is not a finite number"),
        ("months", -3, "--months must be more than zero, not -3"),
    ],
)
def test_values_beyond_the_bounds_are_refused_in_one_line(key: str, value: float, message: str) -> None:
    assert limits.bound_problem(key, value) == message


def test_the_largest_allowed_values_pass() -> None:
    assert all(limits.bound_problem(key, bound.highest) is None for key, bound in limits.BOUNDS.items())


def test_the_engine_refuses_a_request_beyond_the_bounds_whoever_sends_it() -> None:
    request = PlanRequest(find_model("gpt2"), "lora", context=1024, months=1e6)
    with pytest.raises(UserError, match="--months 1,000,000 is more than"):
        make_plan(request, [])


def test_the_planner_page_uses_the_same_bounds() -> None:
    from app.ui.pages.planner import limits_page, model_page, workload_page

    assert limits_page.MAX_MONTHS is limits.MAX_MONTHS and limits_page.MAX_DEADLINE_HOURS is limits.MAX_DEADLINE_HOURS
    assert limits_page.MAX_BUDGET_USD is limits.MAX_BUDGET_USD and limits_page.MAX_TOKENS is limits.MAX_TOKENS
    assert model_page.MAX_PARAMS is limits.MAX_PARAMS and model_page.MAX_LAYERS is limits.MAX_LAYERS
    assert workload_page.MAX_BATCH is limits.MAX_BATCH and workload_page.MAX_CONTEXT is limits.MAX_CONTEXT
