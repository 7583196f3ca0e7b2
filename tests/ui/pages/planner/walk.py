"""Helpers that walk the planning wizard the way a user does: by its buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.ui.pages.planner.page import PlannerPage


def next_button_enabled(page: PlannerPage) -> bool:
    return page.wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def click_next(qtbot, page: PlannerPage) -> None:
    """Press Next (which must be enabled: a disabled button is what refuses bad input)."""
    button = page.wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled(), f"Next is disabled: {page.wizard.currentPage().reason.text()}"  # type: ignore[attr-defined]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose_catalog_model(page: PlannerPage, name: str) -> None:
    """Filter the catalog down to `name` (a single match is selected by itself)."""
    model_page = page.wizard.model_page
    model_page.filter.setText(name)
    assert model_page.chosen_catalog_model() is not None


def walk_to_result(qtbot, page: PlannerPage, model: str = "3.1-8B") -> None:
    """Project kind: fine-tune → the model → LoRA in bf16 → 100M tokens, 48 h, $200 → the plan."""
    click_next(qtbot, page)
    choose_catalog_model(page, model)
    click_next(qtbot, page)
    workload = page.wizard.workload_page
    workload.batch.setValue(4)
    click_next(qtbot, page)
    limits = page.wizard.limits_page
    limits.tokens.setText("100M")
    limits.deadline_hours.setText("48")
    limits.budget_usd.setText("$200")
    click_next(qtbot, page)
    qtbot.waitUntil(lambda: page.wizard.result_page.plan is not None, timeout=5000)
