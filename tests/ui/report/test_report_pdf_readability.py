"""The PDF report says what the HTML report says (issue 11's new-user trial, T11 points 6, 7, 12, 14, 17):
history values in GiB and GB/s with the catalog's decimals (not "2147483648("), clock-event reasons
apart, the plan's model and work, test metrics with labels and units, alerts with fired/cleared and
severity, "Fit for" kept with its reason, graphs marked SIMULATED with threshold labels apart.
Inputs are recorded real report parts (tests/report/report_data.py); expected texts are worked out
by hand in the comments, the same as in tests/report/test_html_readability.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF

from app.ui.report_pdf import write_pdf
from tests.report.report_data import metric, recorded
from tests.ui.report.conftest import pdf_pages_text


def _text(document: dict[str, Any], tmp_path: Path) -> str:
    out = tmp_path / "report.pdf"
    write_pdf(document, out)
    return " ".join("\n".join(pdf_pages_text(out)).split())  # runs of white space as one space


def _only(example: dict[str, Any], section: str, **values: Any) -> dict[str, Any]:
    titles = {"summary": "Summary", "history": "History", "plans": "Project plans", "tests": "Tests"}
    return dict(example, sections=[{"id": section, "title": titles[section]}], graphs=[], **values)


def test_the_history_table_shows_gib_and_gb_per_s_with_the_catalogs_decimals(example, tmp_path) -> None:
    names = ("gpu0.mem_clock_mhz", "gpu0.power_w", "gpu0.vram_used_bytes", "gpu0.pcie_rx_bytes_per_s",
             "gpu0.temperature_c")  # fmt: skip
    history = {"metrics": [metric(n) for n in names], "alerts": []}
    text = _text(_only(example, "history", history=history), tmp_path)
    # The same texts as the HTML report (tests/report/test_html_readability.py), worked out there.
    for row in (
        "GPU 0: Memory clock 405 MHz 10495.4 MHz 10501 MHz 1798",
        "GPU 0: Power 23 W 427.591 W 454.3 W 1798",
        "GPU 0: VRAM used 300.00 MiB 19.99 GiB 20.00 GiB 1798",
        "GPU 0: PCIe receive 0.0 B/s 2.2 GB/s 2.5 GB/s 360",
        "GPU 0: GPU temperature 28 °C 74.4 °C 77 °C 1798",
    ):
        assert row in text, row
    for raw in ("2147483648", "21474836480", "2231944444", "10495.385"):
        assert raw not in text, raw


def test_clock_event_flags_become_a_small_table_of_reasons_ever_active(example, tmp_path) -> None:
    history = {"metrics": recorded("history_demo.json")["metrics"], "alerts": []}
    text = _text(_only(example, "history", history=history), tmp_path)
    assert "Clock-event reasons GPU Reason Time active Meaning" in text
    assert "gpu0 sw_power_cap 93.3 % Clocks are lowered to stay under the power limit." in text  # mean 0.93326
    assert "gpu0 gpu_idle 0.1 %" in text  # mean 0.000556: 0.06 % of the time
    assert "Never active in this period: gpu0: applications_clocks_setting, board_limit" in text
    assert "Clock event: board_limit" not in text and "clock_event" not in text


def test_a_plan_shows_its_model_and_work_from_the_plan_document(example, tmp_path) -> None:
    text = _text(_only(example, "plans", plans=[recorded("plan_llama_lora.json")]), tmp_path)
    assert "llama-3.1-8b: LoRA fine-tune, bf16, context 4096, batch 1 (SIMULATED)" in text
    assert "Recommendation local: NVIDIA GeForce RTX 4090 [SIMULATED] × 1" in text
    assert "Memory needed 21.8 GB: weights 16.2 GB" in text  # 21772452165 B, 16221127720 B in decimal GB
    assert "Model n/a" not in text and "Workload n/a" not in text


def test_test_metrics_have_the_html_reports_labels_and_units(example, tmp_path) -> None:
    thermal = example["tests"]["thermal"][0]
    thermal["metrics"] = {"idle_c": 28.448333333333334, "c_per_w": 0.11514352597155143, "time_to_steady_s": 307.04}
    text = _text(_only(example, "tests", tests={"stress": [], "thermal": [thermal]}), tmp_path)
    assert "Idle temperature 28.448 °C" in text
    assert "Temperature rise per watt 0.115 °C/W" in text
    assert "Time to steady state 307.04 s" in text
    for raw in ("idle_c", "c_per_w", "time_to_steady_s"):
        assert raw not in text, raw


def test_a_stress_results_baseline_comparison_is_printed(example, tmp_path) -> None:
    stress = dict(example["tests"]["stress"][0], baseline_comparison=["71.2 TFLOPS, 2 % below your earlier 72.6"])
    text = _text(_only(example, "tests", tests={"stress": [stress], "thermal": []}), tmp_path)
    assert "Baseline: 71.2 TFLOPS, 2 % below your earlier 72.6" in text


def test_alerts_have_event_and_severity_columns_and_say_once_why_severity_is_missing(example, tmp_path) -> None:
    data = recorded("history_demo.json")
    document = _only(example, "history", history={"metrics": [], "alerts": data["alerts"]},
                     missing=data["alerts_missing"])  # fmt: skip
    text = _text(document, tmp_path)
    assert "Time (UTC) Event Severity Alert" in text
    assert "2026-11-28 15:49:30 UTC fired n/a GPU 0 at 91 °C, slowdown at 96 °C" in text
    assert "cleared" in text
    assert text.count("session files keep an alert's time and message, not its severity") == 1


def test_fit_for_keeps_its_heading_and_says_why_it_is_empty(example, tmp_path) -> None:
    summary = dict(example["summary"], fit_for=[])
    missing = {"summary.fit_for": "no GPU on this machine: the planner sizes GPU work"}
    text = _text(_only(example, "summary", summary=summary, missing=missing), tmp_path)
    assert "Fit for: nothing listed (no GPU on this machine: the planner sizes GPU work)" in text
    assert "Fit for: nothing listed (the report gives no reason)" in _text(_only(example, "summary", summary=summary),
                                                                        tmp_path)  # fmt: skip


def test_threshold_labels_of_close_lines_are_apart_and_off_their_lines() -> None:
    """Slowdown 96 °C and shutdown 101 °C: 7.5 pt apart on the PDF's 150 pt plot of 20..120 °C, under
    the labels' 9 pt line height."""
    from app.ui.report.graph import threshold_labels_in  # added with the fix: imported here so the others run

    graph = recorded("history_demo.json")["graph"]
    labels = threshold_labels_in(QRectF(40, 18, 470, 150), graph)
    assert [label for _, _, label in labels] == ["slowdown 96 °C", "shutdown 101 °C"]
    (_, first, _), (_, second, _) = labels
    assert not first.intersects(second)
    for line, box, _ in labels:
        assert not box.top() < line < box.bottom(), "the dashed line does not strike through its label"
        assert min(abs(box.top() - line), abs(box.bottom() - line)) <= 3, "the label is beside its own line"


def test_a_graph_of_simulated_readings_says_simulated_in_the_pdf(example, tmp_path) -> None:
    graph = recorded("history_demo.json")["graph"]
    real = _only(example, "history", history={"metrics": [], "alerts": []}, simulated=False)
    real["graphs"] = [graph]
    for section in ("gpus", "tests"):
        real.pop(section, None)
    assert "SIMULATED" not in _text(real, tmp_path)
    real["graphs"] = [dict(graph, simulated=True)]  # its own flag wins over the document's
    assert "SIMULATED" in _text(real, tmp_path)


def test_summary_lines_a_later_builder_gives_as_objects_read_as_text(example, tmp_path) -> None:
    summary = dict(example["summary"], fit_for=[{"text": "runs qwen2.5-14b in bf16 on both GPUs (tensor parallel)",
                                                 "gpus": 2}])  # fmt: skip
    text = _text(_only(example, "summary", summary=summary), tmp_path)
    assert "• runs qwen2.5-14b in bf16 on both GPUs (tensor parallel)" in text and "{" not in text


def test_a_counters_increase_a_later_builder_adds_is_printed_in_its_unit(example, tmp_path) -> None:
    counter = metric("gpu0.power_violation_s") | {"min": None, "mean": None, "max": None, "increase": 1678.619}
    text = _text(_only(example, "history", history={"metrics": [counter], "alerts": []}), tmp_path)
    assert "Increase: 1678.619 s" in text
