"""The planning wizard, walked by its buttons over a fake engine: the request it builds, the plan it
shows, and what it refuses."""

from __future__ import annotations

import json
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from app.core.errors import UserError
from app.planner.records import ModelSpec, Plan, PlanRequest, Recommendation
from app.ui.theme import LIGHT
from tests.ui.pages.planner.fake_planner import RTX_4090, SAVED_TO, FakePlanner, gpu
from tests.ui.pages.planner.plans import LLAMA_31_8B, LORA_PLAN, NOTHING_FITS, RENT_H100, VPS
from tests.ui.pages.planner.walk import choose_catalog_model, click_next, next_button_enabled, walk_to_result


def test_walking_the_wizard_asks_the_engine_for_exactly_what_was_entered(qtbot, make_page) -> None:
    planner = FakePlanner()
    page = make_page(planner)
    walk_to_result(qtbot, page)
    assert planner.requests == [
        (
            PlanRequest(LLAMA_31_8B, "lora", "bf16", 4096, 4, 1e8, 48.0, 200.0, None, False),
            (("NVIDIA GeForce RTX 4090", 25_757_220_864),),
            True,
        )
    ]


def test_the_project_kind_suggests_the_workload_and_a_changed_workload_stays(qtbot, make_page) -> None:
    page = make_page(FakePlanner())
    page.wizard.kind_page.buttons.button(2).click()  # train from scratch
    click_next(qtbot, page)
    choose_catalog_model(page, "3.1-8B")
    click_next(qtbot, page)
    workload = page.wizard.workload_page
    assert workload.chosen_workload() == "pretrain"
    workload.workload.setCurrentIndex(3)  # full-finetune
    page.wizard.back()
    click_next(qtbot, page)
    assert workload.chosen_workload() == "full-finetune", "going back to the model keeps the user's choice"


def test_the_result_page_shows_every_option_with_na_reasons_and_the_recommendation(qtbot, make_page) -> None:
    page = make_page(FakePlanner())
    walk_to_result(qtbot, page)
    result = page.wizard.result_page
    table = result.table
    assert table.rowCount() == 5
    assert table.row_texts(0)[:7] == [
        "1 ★",
        "this machine",
        "NVIDIA GeForce RTX 4090 × 1",
        "25.8 GB",
        "✔ fits",
        "20.2 h",
        "$9.60",
    ]  # fmt: skip  (24 GiB in decimal GB, the catalog's and the command line's unit)
    assert table.row_texts(1)[2:7] == ["H100 SXM 80GB × 1", "85.9 GB", "✔ fits", "3.4 h", "$6.80 – $12"]
    assert table.row_texts(3)[6] == "$1,500"
    vps = table.row_texts(4)
    assert vps[1:7] == [
        "VPS (CPU only)", "CPU only", "n/a (no GPU)", "✖ too small",
        "n/a (the work does not fit here)", "n/a (the work does not fit here)",
    ]  # fmt: skip
    assert vps[7] == "CPU only: 8 vCPU, 32 GB RAM; no GPU for training"
    text = result.recommendation.text()
    assert text.startswith("Recommended: option 1, this machine (NVIDIA GeForce RTX 4090)\n")
    assert "• 20 h meets the 48 h deadline" in text and "• costs $9.60, within the $200 budget" in text
    assert "Memory: 20.9 GB in all (weights 16.1 GB," in result.summary.text()
    assert "KV cache" not in result.summary.text(), "a zero part is left out"
    assert "Compute: 4.82e+18 FLOPs over 100 M tokens" in result.summary.text()
    assert result.simulated_banner.isVisibleTo(page) and "SIMULATED" in result.simulated_banner.text()


def test_the_chart_places_each_option_with_hours_and_cost_and_names_the_rest(qtbot, make_page) -> None:
    page = make_page(FakePlanner())
    walk_to_result(qtbot, page)
    chart = page.wizard.result_page.chart
    placed = [(p.label, p.name, p.hours, p.cost_usd, p.low_usd, p.high_usd, p.recommended) for p in chart.points]
    assert placed == [
        ("1", "1 local: NVIDIA GeForce RTX 4090 × 1", 20.2, 9.6, 9.6, 9.6, True),
        ("2", "2 rent: H100 SXM 80GB × 1", 3.4, 9.35, 6.8, 11.9, False),
        ("3", "3 rent: L40S 48GB × 1", 9.2, 9.2, 7.4, 11.0, False),
        ("4", "4 dedicated: A100 80GB × 1", 10.7, 1500.0, 1500.0, 1500.0, False),
    ]
    assert chart.left_out.text() == "Not drawn: 5 vps: CPU only (the work does not fit here)"
    # Costs from $6.80 to $1,500 (more than 20 times): a log cost axis; hours 3.4 to 20.2 stay linear.
    assert (chart.log_x, chart.log_y) == (False, True)
    x, y, low, high = chart.placed(chart.points[1])
    assert (x, round(y, 4), round(low, 4), round(high, 4)) == (3.4, 0.9708, 0.8325, 1.0755)  # log10 9.35, 6.8, 11.9
    labels = [item.toPlainText() for item in chart.plot.getPlotItem().items if hasattr(item, "toPlainText")]
    assert sorted(labels) == ["2", "3", "4", "★ 1"], "the table's numbers: short labels that do not run together"


def test_add_to_report_saves_the_shown_plan_and_says_where(qtbot, make_page) -> None:
    planner = FakePlanner()
    page = make_page(planner)
    walk_to_result(qtbot, page)
    result = page.wizard.result_page
    qtbot.mouseClick(result.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved" in result.action_line.text(), timeout=5000)
    assert planner.saved == [LORA_PLAN]
    # No report exists yet: the plan is kept for the next one, and the line says where.
    assert result.action_line.text() == f"✔ Saved for the report: {SAVED_TO} (plans/ in the data folder)"
    assert not result.add_button.isEnabled(), "the same plan is not saved twice"


def test_a_failed_save_says_why_and_allows_another_try(qtbot, make_page) -> None:
    planner = FakePlanner()
    planner.save_plan = lambda plan: (_ for _ in ()).throw(OSError(28, "No space left on device", "/data/plans/p.json"))  # type: ignore[method-assign]
    page = make_page(planner)
    walk_to_result(qtbot, page)
    result = page.wizard.result_page
    result.add_to_report()
    qtbot.waitUntil(lambda: result.action_line.text().startswith("✖"), timeout=5000)
    assert result.action_line.text() == "✖ Not saved: No space left on device: /data/plans/p.json"
    assert result.add_button.isEnabled()


def test_copy_as_json_puts_the_engines_document_on_the_clipboard(qtbot, make_page) -> None:
    page = make_page(FakePlanner())
    walk_to_result(qtbot, page)
    page.wizard.result_page.copy_as_json()
    copied = json.loads(QApplication.clipboard().text())
    assert copied == {"schema": "aiwm.plan/1", "recommendation": {"kind": "local", "option_index": 0}}
    assert page.wizard.result_page.action_line.text().startswith("✔ Copied the plan as JSON")


def test_an_engine_error_is_one_line_and_the_wizard_can_go_back(qtbot, make_page) -> None:
    page = make_page(FakePlanner(plan=UserError("unknown precision 'q9'")))
    walk_to_result_without_waiting(qtbot, page)
    result = page.wizard.result_page
    qtbot.waitUntil(lambda: result.status.text().startswith("✖"), timeout=5000)
    assert result.status.text() == "✖ The plan could not be made: unknown precision 'q9'"
    assert not page.wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert page.wizard.button(QWizard.WizardButton.BackButton).isEnabled()


def walk_to_result_without_waiting(qtbot, page) -> None:
    click_next(qtbot, page)
    choose_catalog_model(page, "70B")
    for _ in range(3):
        click_next(qtbot, page)


def test_with_nothing_that_fits_it_says_so_with_the_engines_warnings(qtbot, make_page) -> None:
    page = make_page(FakePlanner(plan=NOTHING_FITS))
    walk_to_result(qtbot, page)
    assert page.wizard.result_page.recommendation.text() == (
        "No recommendation: no option fits this work.\n• no GPU has 20 GiB"
    )


def test_plan_another_starts_over_and_the_page_stays(qtbot, make_page) -> None:
    page = make_page(FakePlanner())
    walk_to_result(qtbot, page)
    qtbot.mouseClick(page.wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert page.wizard.currentPage() is page.wizard.kind_page and page.wizard.isVisible()
    qtbot.keyClick(page.wizard, Qt.Key.Key_Escape)
    assert page.wizard.isVisible(), "Escape does not close the embedded wizard"


def test_the_machines_gpus_are_named_and_simulated_ones_marked(make_page) -> None:
    unreadable = gpu(1, None, None)
    page = make_page(FakePlanner(), gpus=(RTX_4090, unreadable), simulated=True)
    assert page.machine.text() == (
        "SIMULATED (--demo): the GPUs below are simulated, not this machine's hardware. "
        "This machine: GPU 0 NVIDIA GeForce RTX 4090, 25.8 GB; "
        "GPU 1 left out of the plan (its name or memory could not be read)"
        " (NVML's totals; the plan sizes a card the catalog knows by the catalog's figure, as for rented ones)"
    )
    assert LIGHT.simulated in page.machine.styleSheet()
    real = make_page(FakePlanner(), gpus=(), simulated=False)
    assert real.machine.text() == "This machine: no NVIDIA GPU found; the plan has no local GPU option"
    assert LIGHT.simulated not in real.machine.styleSheet()


def test_a_custom_model_is_sent_with_its_architecture_and_head_size(qtbot, make_page) -> None:
    planner = FakePlanner()
    page = make_page(planner)
    click_next(qtbot, page)
    model_page = page.wizard.model_page
    model_page.custom.setChecked(True)
    for field, text in zip(
        (model_page.params, model_page.layers, model_page.hidden, model_page.heads, model_page.kv_heads),
        ("1.5B", "28", "1536", "12", "2"),
        strict=True,
    ):
        field.setText(text)
    for _ in range(3):
        click_next(qtbot, page)
    qtbot.waitUntil(lambda: bool(planner.requests), timeout=5000)
    assert planner.requests[0][0].model == ModelSpec("custom model", 1.5e9, None, 28, 1536, 12, 2, 128)


def test_without_a_catalog_the_page_says_why_and_a_custom_model_still_works(qtbot, make_page) -> None:
    page = make_page(FakePlanner(models=NotImplementedError("the engine is not there yet")))
    click_next(qtbot, page)
    model_page = page.wizard.model_page
    assert model_page.custom.isChecked() and not next_button_enabled(page)
    model_page.from_catalog.setChecked(True)
    assert model_page.reason.text() == (
        "✖ the model catalog could not be read (NotImplementedError: the engine is not there yet)"
    )
    model_page.custom.setChecked(True)
    model_page.params.setText("7B")
    assert next_button_enabled(page)


# --- issue 10's new-user trial (T10-report.md, points 17 and 18) -----------------------------------


def _many_options_plan() -> Plan:
    """LORA_PLAN with 17 options, as many as the real catalog gives (this machine, 10 rented, 4 dedicated,
    3 VPS), each with six long notes as the engine writes them."""
    notes = tuple(f"note {n}: " + "a long explanation of prices and sources " * 4 for n in range(6))
    rented = [replace(RENT_H100, gpu=f"Rented GPU {n}", notes=notes) for n in range(16)]
    return replace(LORA_PLAN, options=(replace(LORA_PLAN.options[0], notes=notes), *rented))


def test_the_options_table_shows_many_rows_one_line_each_on_a_1280x800_screen(qtbot, make_page) -> None:
    page = make_page(FakePlanner(plan=_many_options_plan()))
    page.resize(1280, 800)
    walk_to_result(qtbot, page)
    table = page.wizard.result_page.table
    qtbot.waitUntil(lambda: table.rowCount() == 17, timeout=5000)
    qtbot.wait(50)
    heights = {table.rowHeight(row) for row in range(table.rowCount())}
    assert max(heights) < 2.2 * table.fontMetrics().height(), "one line a row: the notes are cut, not wrapped"
    visible = [
        row for row in range(17) if table.rowViewportPosition(row) + table.rowHeight(row) <= table.viewport().height()
    ]
    assert len(visible) >= 8, f"only {len(visible)} rows visible"  # the trial saw 1
    assert table.item(0, 7).toolTip().count("\n") == 5, "every note is in the tooltip, one a line"


def test_a_label_near_the_charts_right_edge_runs_leftwards(qtbot, make_page) -> None:
    page = make_page(FakePlanner())
    walk_to_result(qtbot, page)
    chart = page.wizard.result_page.chart
    labels = [item for item in chart.plot.getPlotItem().items if hasattr(item, "toPlainText")]
    rightmost = max(labels, key=lambda item: item.pos().x())
    leftmost = min(labels, key=lambda item: item.pos().x())
    assert (rightmost.anchor.x(), leftmost.anchor.x()) == (1.0, 0.0)
    assert rightmost.toPlainText() == "★ 1"  # the local option, 20.2 h: the most hours of the four


def test_an_option_left_off_the_chart_gives_the_engines_reason(qtbot, make_page) -> None:
    training_vps = replace(
        VPS, notes=("Hetzner Cloud CX23", "not practical: training on a CPU-only server, without a GPU")
    )
    plan = replace(LORA_PLAN, options=(*LORA_PLAN.options[:4], training_vps))
    page = make_page(FakePlanner(plan=plan))
    walk_to_result(qtbot, page)
    assert page.wizard.result_page.chart.left_out.text() == (
        "Not drawn: 5 vps: CPU only (not practical: training on a CPU-only server, without a GPU)"
    )


def test_the_utilisation_and_checkpointing_chosen_reach_the_engine(qtbot, make_page) -> None:
    planner = FakePlanner()
    page = make_page(planner)
    click_next(qtbot, page)
    choose_catalog_model(page, "3.1-8B")
    click_next(qtbot, page)
    workload = page.wizard.workload_page
    assert workload.mfu.value() == 40 and workload.checkpointing.isChecked(), "the engine's defaults"
    workload.mfu.setValue(35)
    workload.checkpointing.setChecked(False)
    click_next(qtbot, page)
    click_next(qtbot, page)
    qtbot.waitUntil(lambda: bool(planner.requests), timeout=5000)
    request = planner.requests[0][0]
    assert (request.mfu, request.activation_checkpointing) == (0.35, False)


def test_the_recommendation_reads_as_a_sentence_naming_the_option(qtbot, make_page) -> None:
    two_h100 = replace(RENT_H100, gpu_count=2)
    plan = replace(LORA_PLAN, options=(two_h100,), recommendation=Recommendation("rent", 0, ("cheapest",)))
    page = make_page(FakePlanner(plan=plan))
    walk_to_result(qtbot, page)
    assert page.wizard.result_page.recommendation.text() == (
        "Recommended: option 1, rented GPU server (2 × H100 SXM 80GB)\n• cheapest"
    )
