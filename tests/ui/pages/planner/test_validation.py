"""Each wizard step refuses bad input: Next stays disabled and one line says why, until it is fixed."""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox

from tests.ui.pages.planner.fake_planner import FakePlanner
from tests.ui.pages.planner.walk import choose_catalog_model, click_next, next_button_enabled


def _refused(page, reason: str) -> bool:
    return not next_button_enabled(page) and page.wizard.currentPage().reason.text() == f"✖ {reason}"


def test_a_custom_model_of_zero_or_negative_size_or_bad_heads_is_refused(qtbot, make_page) -> None:
    page = make_page(FakePlanner())
    click_next(qtbot, page)
    model = page.wizard.model_page
    model.custom.setChecked(True)
    assert _refused(page, "parameters: give the model's size, e.g. 8B")
    model.params.setText("0")
    assert _refused(page, "parameters must be more than zero")
    model.params.setText("-7B")
    assert _refused(page, "parameters must be more than zero")
    model.params.setText("7B")
    assert next_button_enabled(page) and model.reason.text() == ""
    model.hidden.setText("4096")
    model.heads.setText("30")
    assert _refused(page, "heads (30) must divide the hidden size (4096) evenly")
    model.heads.setText("32")
    model.kv_heads.setText("40")
    assert _refused(page, "KV heads (40) cannot be more than attention heads (32)")
    model.layers.setText("0")
    assert _refused(page, "layers must be more than zero")
    model.layers.setText("32")
    model.kv_heads.setText("8")
    assert next_button_enabled(page)


def test_no_catalog_model_chosen_is_refused(qtbot, make_page) -> None:
    page = make_page(FakePlanner())
    click_next(qtbot, page)
    assert _refused(page, "choose a model from the list, or describe a custom one")
    page.wizard.model_page.filter.setText("no such model")
    assert page.wizard.model_page.table.rowCount() == 0
    assert _refused(page, "choose a model from the list, or describe a custom one")


def test_the_workload_step_refuses_gguf_training_and_a_context_beyond_the_model(qtbot, make_page) -> None:
    page = make_page(FakePlanner())
    click_next(qtbot, page)
    choose_catalog_model(page, "Mixtral")
    click_next(qtbot, page)
    workload = page.wizard.workload_page
    assert workload.chosen_workload() == "lora"
    workload.precision.setCurrentIndex(workload.precision.findData("q4_k_m"))
    assert _refused(page, "GGUF (q4_k_m) is for inference with llama.cpp; fine-tune in bf16, fp16, int8 or int4")
    workload.workload.setCurrentIndex(workload.workload.findData("inference"))
    assert next_button_enabled(page)
    workload.context.setValue(65536)
    assert _refused(page, "context 65,536 is longer than Mixtral-8x7B's maximum of 32,768 tokens")


def test_context_and_batch_boxes_cannot_go_to_zero(qtbot, make_page) -> None:
    page = make_page(FakePlanner())
    workload = page.wizard.workload_page
    for spin in (workload.context, workload.batch):
        assert isinstance(spin, QSpinBox)
        spin.setValue(0)
        assert spin.value() == 1
        spin.setValue(-5)
        assert spin.value() == 1


def test_the_limits_step_refuses_zero_or_negative_limits_and_takes_empty_ones(qtbot, make_page) -> None:
    page = make_page(FakePlanner())
    click_next(qtbot, page)
    choose_catalog_model(page, "3.1-8B")
    click_next(qtbot, page)
    click_next(qtbot, page)
    limits = page.wizard.limits_page
    assert next_button_enabled(page), "every limit may be left empty"
    limits.tokens.setText("0")
    assert _refused(page, "training data must be more than zero")
    limits.tokens.setText("2B")
    limits.deadline_hours.setText("-3")
    assert _refused(page, "deadline must be more than zero")
    limits.deadline_hours.setText("")
    limits.budget_usd.setText("lots")
    assert _refused(page, "budget: “lots” is not a number (US dollars, e.g. $5,000)")
    limits.budget_usd.setText("$1,000")
    limits.months.setText("0")
    assert _refused(page, "project length must be more than zero")
    limits.months.setText("200")
    assert _refused(page, "project length: 200 is more than the most this planner takes (120)")
    limits.months.setText("6")
    assert next_button_enabled(page)


def test_inference_reads_no_training_tokens(qtbot, make_page) -> None:
    planner = FakePlanner()
    page = make_page(planner)
    page.wizard.kind_page.buttons.button(3).click()  # serve
    click_next(qtbot, page)
    choose_catalog_model(page, "3.1-8B")
    click_next(qtbot, page)
    click_next(qtbot, page)
    limits = page.wizard.limits_page
    assert not limits.tokens.isEnabled() and limits.tokens.placeholderText() == "not used for inference"
    limits.sensitive.setChecked(True)
    click_next(qtbot, page)
    qtbot.waitUntil(lambda: bool(planner.requests), timeout=5000)
    request = planner.requests[0][0]
    assert (request.workload, request.tokens, request.sensitive_data) == ("inference", None, True)
