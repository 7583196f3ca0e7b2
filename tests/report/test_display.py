"""The shared formatter of the HTML and PDF reports (app/report/display*.py): numbers, labels, label
placement, drives and plans, with expected values worked out by hand."""

from __future__ import annotations

import pytest

from app.report.display import fixed_text, label_of, spread_labels, threshold_label_spots
from app.report.display_history import clock_events, share_text, stat_text
from app.report.display_machine import health_text
from app.report.display_plans import model_name, work_text


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(10495.384872, 0, "10495"), (450.0, 3, "450"), (427.5910456, 3, "427.591"), (1678.619, 6, "1678.619"),
     (0.0004, 2, "0"), (-0.4, 0, "0"), (2.5, 1, "2.5")],
)  # fmt: skip
def test_fixed_text_rounds_to_the_decimals_and_drops_trailing_zeros_at_most_three(value, decimals, text) -> None:
    assert fixed_text(value, decimals) == text


def test_a_metric_not_in_the_catalog_keeps_up_to_three_decimals() -> None:
    assert stat_text({"name": "fleet.thing_w", "unit": "W", "mean": 12.34567}, "mean") == "12.346 W"


def test_labels_write_acronyms_as_people_do() -> None:
    assert label_of("pcie_gen_current") == "PCIe generation now"
    assert label_of("peak_vram_bytes") == "Peak VRAM"
    assert label_of("gpu_count") == "GPU count"
    assert label_of("cudnns") == "cuDNN copies found"
    assert label_of("end_slope_c_per_min") == "End slope"


def test_spread_labels_keeps_each_label_at_its_place_unless_it_crowds_another() -> None:
    assert spread_labels([50.0, 100.0], 13.0, 0.0, 300.0) == [50.0, 100.0]  # far apart: untouched
    assert spread_labels([100.0, 105.0], 13.0, 0.0, 300.0) == [100.0, 113.0]  # the lower pushed down
    assert spread_labels([105.0, 100.0], 13.0, 0.0, 300.0) == [113.0, 100.0]  # in the caller's order
    assert spread_labels([295.0, 298.0], 13.0, 0.0, 300.0) == [287.0, 300.0]  # slid back inside the bottom
    assert spread_labels([5.0], 13.0, 10.0, 300.0) == [10.0]  # never above the top


def test_threshold_label_spots_put_a_crowded_label_below_its_own_line() -> None:
    # Lines at 100 and 110: the first label above its line (baseline 97); the second, 10 below,
    # would crowd it (107 - 97 < 13), so it goes below its own line: 110 + 13 = 123.
    assert threshold_label_spots([100.0, 110.0], 13.0, 0.0, 300.0) == [97.0, 123.0]
    assert threshold_label_spots([50.0, 150.0], 13.0, 0.0, 300.0) == [47.0, 147.0]


def test_clock_event_shares_are_percentages_of_the_period() -> None:
    assert share_text(0.9332591768631813) == "93.3 %"
    assert share_text(0.0003) == "< 0.1 %"  # 0.03 %: active, but too little for one decimal
    assert share_text(0.0) == "0.0 %"
    flags = [{"name": "gpu0.clock_event.hw_slowdown", "mean": 0.0, "max": 0.0},
             {"name": "gpu0.clock_event.sw_thermal_slowdown", "mean": 0.25, "max": 1.0},
             {"name": "gpu1.clock_event.hw_slowdown", "mean": None, "max": None}]  # fmt: skip
    events = clock_events(flags)
    assert [(r.device, r.reason, r.active_text) for r in events.active] == [
        ("gpu0", "sw_thermal_slowdown", "25.0 %"),
        ("gpu1", "hw_slowdown", "n/a"),  # unknown is not hidden as "never active"
    ]
    assert events.never_text() == "Never active in this period: gpu0: hw_slowdown"


def test_health_reads_as_one_line_with_one_reason_when_nothing_was_read() -> None:
    assert health_text({"passed": True, "percentage_used": 3, "media_errors": 0}, "h", lambda _: None) == (
        "PASSED, 3 % used, 0 media errors"
    )
    unread = {"passed": None, "percentage_used": None, "media_errors": None, "problem": "smartctl is not installed"}
    assert health_text(unread, "h", lambda _: "smartctl is not installed") == "n/a (smartctl is not installed)"


def test_a_plans_model_and_work_come_from_its_request_or_the_older_top_level_keys() -> None:
    plan = {"request": {"model": {"name": "qwen2.5-14b"}, "workload": "inference", "precision": "bf16",
                        "context": 4096, "batch": 1, "deadline_hours": 48.0}}  # fmt: skip
    assert model_name(plan) == "qwen2.5-14b"
    assert work_text(plan) == "inference, bf16, context 4096, batch 1, deadline 48 h"
    assert model_name({"model": "Llama-3.1-8B", "workload": "lora"}) == "Llama-3.1-8B"
    assert work_text({"model": "Llama-3.1-8B", "workload": "lora"}) == "LoRA fine-tune"
    assert model_name({}) == "n/a"
