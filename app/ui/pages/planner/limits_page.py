"""The wizard's limits step: how much data, by when, for how much, for how long, and how sensitive."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QVBoxLayout

from app.planner.limits import MAX_BUDGET_USD, MAX_DEADLINE_HOURS, MAX_MONTHS, MAX_TOKENS
from app.planner.records import Workload
from app.ui.pages.planner.checked_page import CheckedPage
from app.ui.pages.planner.inputs import optional_amount_problem, parse_amount
from app.ui.theme import Theme


class LimitsPage(CheckedPage):
    """Training tokens, deadline (hours), budget (USD), project months, sensitive data."""

    def __init__(self, theme: Theme, chosen_workload: Callable[[], Workload]) -> None:
        super().__init__(theme, "Data and limits", "Leave a field empty where there is no limit.")
        self._chosen_workload = chosen_workload
        self.tokens = QLineEdit()
        self.deadline_hours = _field("no deadline")
        self.budget_usd = _field("no budget limit")
        self.months = _field("not known")
        self.sensitive = QCheckBox(
            "The data is sensitive (personal, medical, confidential): keep it off shared machines"
        )
        form = QFormLayout()
        form.addRow("Training data (tokens)", self.tokens)
        form.addRow("Deadline (hours)", self.deadline_hours)
        form.addRow("Budget (USD)", self.budget_usd)
        form.addRow("Project length (months)", self.months)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.sensitive)
        column.addWidget(self.reason)
        column.addStretch(1)
        for field in (self.tokens, self.deadline_hours, self.budget_usd, self.months):
            field.textChanged.connect(self.recheck)

    def initializePage(self) -> None:
        """Inference reads no training data; pretraining without a size gets the planner's suggestion."""
        workload = self._chosen_workload()
        self.tokens.setEnabled(workload != "inference")
        self.tokens.setPlaceholderText(
            "not used for inference"
            if workload == "inference"
            else "empty: the planner suggests ~20 tokens per parameter (Chinchilla)"
            if workload == "pretrain"
            else "e.g. 100M or 2B"
        )
        self.recheck()

    def problem(self) -> str | None:
        checks = (
            optional_amount_problem(self.tokens.text(), "training data", MAX_TOKENS)
            if self.tokens.isEnabled()
            else None,
            optional_amount_problem(self.deadline_hours.text(), "deadline", MAX_DEADLINE_HOURS, "hours, e.g. 48"),
            optional_amount_problem(self.budget_usd.text(), "budget", MAX_BUDGET_USD, "US dollars, e.g. $5,000"),
            optional_amount_problem(self.months.text(), "project length", MAX_MONTHS, "months, e.g. 6"),
        )
        return next((p for p in checks if p is not None), None)

    def chosen_tokens(self) -> float | None:
        return parse_amount(self.tokens.text()) if self.tokens.isEnabled() else None

    def chosen_deadline_hours(self) -> float | None:
        return parse_amount(self.deadline_hours.text())

    def chosen_budget_usd(self) -> float | None:
        return parse_amount(self.budget_usd.text())

    def chosen_months(self) -> float | None:
        return parse_amount(self.months.text())


def _field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setPlaceholderText(placeholder)
    return field
