"""The planning wizard: project kind → model → workload → data and limits → the plan.

A QWizard embedded in the page as a plain widget (not a dialog): Finish ("Plan another") starts
over, and Escape, which would close a dialog, does nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget, QWizard

from app.planner.records import PlanRequest
from app.ui.pages.planner.kind_page import KindPage
from app.ui.pages.planner.limits_page import LimitsPage
from app.ui.pages.planner.model_page import ModelPage
from app.ui.pages.planner.planner_port import Planner
from app.ui.pages.planner.result_page import ResultPage
from app.ui.pages.planner.workload_page import WorkloadPage
from app.ui.theme import Theme


class PlanWizard(QWizard):
    """The five steps; `request()` is what the first four describe."""

    def __init__(
        self,
        theme: Theme,
        planner: Planner,
        local_gpus: Sequence[tuple[str, int]],
        simulated: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Widget)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoCancelButton, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Plan another")
        self.kind_page = KindPage(theme)
        self.model_page = ModelPage(theme, planner.list_models)
        self.workload_page = WorkloadPage(theme, self.model_page.model)
        self.limits_page = LimitsPage(theme, self.workload_page.chosen_workload)
        self.result_page = ResultPage(theme, planner, self.request, local_gpus, simulated)
        for page in (self.kind_page, self.model_page, self.workload_page, self.limits_page, self.result_page):
            self.addPage(page)
        self._suggested_for: str | None = None
        self.currentIdChanged.connect(self._on_step_changed)

    def _on_step_changed(self, page_id: int) -> None:
        """Leaving the project kind: suggest its workload, once per kind chosen (a later choice stays)."""
        kind = self.kind_page.kind()
        if self.page(page_id) is self.model_page and kind.name != self._suggested_for:
            self._suggested_for = kind.name
            self.workload_page.suggest(kind.workload)

    def request(self) -> PlanRequest:
        """What the steps describe (each step is complete before the plan step is reached)."""
        limits = self.limits_page
        return PlanRequest(
            model=self.model_page.model(),
            workload=self.workload_page.chosen_workload(),
            precision=self.workload_page.chosen_precision(),
            context=self.workload_page.context.value(),
            batch=self.workload_page.batch.value(),
            tokens=limits.chosen_tokens(),
            deadline_hours=limits.chosen_deadline_hours(),
            budget_usd=limits.chosen_budget_usd(),
            months=limits.chosen_months(),
            sensitive_data=limits.sensitive.isChecked(),
            mfu=self.workload_page.chosen_mfu(),
            activation_checkpointing=self.workload_page.chosen_checkpointing(),
        )

    def accept(self) -> None:
        """Finish: a new plan from the first step (the wizard stays on the page)."""
        self._suggested_for = None
        self.restart()

    def reject(self) -> None:
        """Escape: nothing (an embedded wizard has nowhere to close to)."""
