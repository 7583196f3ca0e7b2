"""The wizard's last step: the plan (options, cost against time, the recommendation and why),
"Add to report" and "Copy as JSON".

The engine sizes and costs every option; that runs on a worker thread (`BackgroundTask`) so the
window keeps painting, and a result that arrives after the user went back and asked again is
dropped (each run has a number).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.planner.records import Plan, PlanRequest
from app.ui.background import BackgroundTask
from app.ui.pages.planner.cost_chart import CostChart
from app.ui.pages.planner.option_text import KIND_WORDS, format_count, format_gb, where_text
from app.ui.pages.planner.options_table import OptionsTable
from app.ui.pages.planner.planner_port import Planner
from app.ui.theme import Theme
from app.ui.widgets.tiles import Banner

SIMULATED_PLAN = "SIMULATED: the local options are this session's simulated GPUs (--demo), not this machine's hardware"


def memory_line(plan: Plan) -> str:
    memory = plan.memory
    parts = (
        ("weights", memory.weights_bytes), ("gradients", memory.gradients_bytes),
        ("optimizer", memory.optimizer_bytes), ("activations", memory.activations_bytes),
        ("KV cache", memory.kv_cache_bytes), ("overhead", memory.overhead_bytes),
    )  # fmt: skip
    shown = ", ".join(f"{name} {format_gb(size)}" for name, size in parts if size)
    return f"Memory: {format_gb(memory.total_bytes)} in all ({shown})"


def compute_line(plan: Plan) -> str:
    tokens = f" over {format_count(plan.compute.tokens)} tokens" if plan.compute.tokens else ""
    note = f"; {plan.compute.note}" if plan.compute.note else ""
    return f"Compute: {plan.compute.total_flops:.3g} FLOPs{tokens}{note}"


def recommendation_text(plan: Plan) -> str:
    """'Recommended: option 2, a rented GPU server (NVIDIA H100 80GB HBM3)' and its reasons, one per line."""
    chosen = plan.recommendation
    if chosen is None or not 0 <= chosen.option_index < len(plan.options):
        why = "no option fits this work" if not any(o.fits for o in plan.options) else "see why below"
        return f"No recommendation: {why}." + "".join(f"\n• {w}" for w in plan.warnings)
    option = plan.options[chosen.option_index]
    reasons = "".join(f"\n• {reason}" for reason in chosen.reasons)
    return f"Recommended: option {chosen.option_index + 1}, {KIND_WORDS[chosen.kind]} ({where_text(option)}){reasons}"


class ResultPage(QWizardPage):
    """Plans on entry (off the GUI thread) and shows the answer; Finish starts a new plan."""

    plan_shown = Signal(object)  # the Plan, once on screen
    plan_failed = Signal(str)

    def __init__(
        self,
        theme: Theme,
        planner: Planner,
        request: Callable[[], PlanRequest],
        local_gpus: Sequence[tuple[str, int]],
        simulated: bool,
    ) -> None:
        super().__init__()
        self.setTitle("Plan")
        self.setSubTitle("Where the work fits, how long it takes and what it costs.")
        self.setFinalPage(True)
        self.theme, self.planner, self._request = theme, planner, request
        self.local_gpus, self.simulated = tuple(local_gpus), simulated
        self.plan: Plan | None = None
        self._run_number = 0
        self._task = BackgroundTask("planner", self)
        self._task.finished.connect(self._on_planned)
        self._task.failed.connect(self._on_failed)
        self._save_task = BackgroundTask("planner-save", self)
        self._save_task.finished.connect(self._on_saved)
        self._save_task.failed.connect(self._on_save_failed)
        self._build()

    def _build(self) -> None:
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.status = QLabel("")
        self.simulated_banner = Banner(self.theme.simulated, SIMULATED_PLAN)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.table = OptionsTable(self.theme)
        self.chart = CostChart(self.theme)
        self.recommendation = QLabel("")
        self.recommendation.setWordWrap(True)
        self.recommendation.setStyleSheet("font-size: 14px;")
        self.add_button = QPushButton("Add to report")
        self.add_button.setToolTip("Save this plan in the data folder (plans/); the next report you build includes it")
        self.add_button.clicked.connect(self.add_to_report)
        self.copy_button = QPushButton("Copy as JSON")
        self.copy_button.setToolTip("Copy the aiwm.plan/1 document to the clipboard")
        self.copy_button.clicked.connect(self.copy_as_json)
        self.action_line = QLabel("")
        self.action_line.setWordWrap(True)
        self._lay_out()

    def _lay_out(self) -> None:
        """The table above the chart and the recommendation, with a splitter between them that the user
        can drag; the table gets the larger share, as it holds every option."""
        buttons = QHBoxLayout()
        for button in (self.add_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addWidget(self.action_line, 1)
        lower = QWidget()
        row = QHBoxLayout(lower)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.chart, 3)
        row.addWidget(self.recommendation, 2, Qt.AlignmentFlag.AlignTop)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        column = QVBoxLayout(self)
        for widget in (self.simulated_banner, self.busy_bar, self.status, self.summary):
            column.addWidget(widget)
        column.addWidget(self.splitter, 1)
        column.addLayout(buttons)

    # -- planning -----------------------------------------------------------------------------

    def initializePage(self) -> None:
        """Entered with Next: plan the request the steps before describe."""
        request = self._request()
        self.plan = None
        self._run_number += 1
        number = self._run_number
        self._set_busy(True, f"Planning {request.model.name}, {request.workload} in {request.precision}…")
        self._task.run(lambda: (number, self.planner.make_plan(request, self.local_gpus, self.simulated)))

    def isComplete(self) -> bool:
        return not self._task.busy and self.plan is not None

    def wait(self, timeout_s: float = 30.0) -> None:
        """Block until planning and saving under way have ended (tests, quitting)."""
        self._task.wait(timeout_s)
        self._save_task.wait(timeout_s)

    def _set_busy(self, busy: bool, status: str) -> None:
        self.busy_bar.setVisible(busy)
        self.status.setText(status)
        self.status.setStyleSheet("" if busy else f"color: {self.theme.critical}; font-weight: bold;")
        self.status.setVisible(bool(status))
        for button in (self.add_button, self.copy_button):
            button.setEnabled(not busy and self.plan is not None)
        self.simulated_banner.setVisible(self.simulated)
        self.completeChanged.emit()

    @Slot(object)
    def _on_planned(self, answer: tuple[int, Plan]) -> None:
        number, plan = answer
        if number != self._run_number:
            return  # the user went back and asked again: this answer is for an older request
        self.plan = plan
        self._set_busy(False, "")
        self.action_line.setText("")
        self.simulated_banner.setVisible(plan.simulated)
        self.summary.setText(f"{memory_line(plan)}\n{compute_line(plan)}" + "".join(f"\n⚠ {w}" for w in plan.warnings))
        self.table.show_plan(plan)
        self.chart.show_plan(plan)
        self._share_the_height()
        self.recommendation.setText(recommendation_text(plan))
        self.plan_shown.emit(plan)

    def _share_the_height(self) -> None:
        """The table as high as its rows, up to three fifths of the splitter; the chart the rest."""
        total = max(self.splitter.height(), 1)
        table = min(self.table.rows_height(), total * 3 // 5)
        self.splitter.setSizes([table, total - table])

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._set_busy(False, f"✖ The plan could not be made: {message}")
        self.plan_failed.emit(message)

    # -- keeping and copying ------------------------------------------------------------------

    @Slot()
    def add_to_report(self) -> None:
        """Save the plan (on a worker: it writes a file) for the report; the page says where."""
        plan = self.plan
        if plan is None or self._save_task.busy:
            return
        self.add_button.setEnabled(False)
        self.action_line.setText("Saving…")
        self._save_task.run(lambda: self.planner.save_plan(plan))

    @Slot(object)
    def _on_saved(self, where: object) -> None:
        """No report exists yet: the plan is kept for the next one, and the line says where."""
        self._show_action(f"✔ Saved for the report: {where} (plans/ in the data folder)", self.theme.ok)

    @Slot(str)
    def _on_save_failed(self, message: str) -> None:
        self.add_button.setEnabled(True)
        self._show_action(f"✖ Not saved: {message}", self.theme.critical)

    @Slot()
    def copy_as_json(self) -> None:
        if self.plan is None:
            return
        try:
            document = json.dumps(self.planner.plan_document(self.plan), indent=2, ensure_ascii=False)
        except Exception as error:  # the engine's bug must not close the window: say it
            self._show_action(f"✖ Not copied: {type(error).__name__}: {error}", self.theme.critical)
            return
        QApplication.clipboard().setText(document)
        self._show_action(f"✔ Copied the plan as JSON ({len(document):,} characters)", self.theme.ok)

    def _show_action(self, text: str, color: str) -> None:
        self.action_line.setText(text)
        self.action_line.setStyleSheet(f"color: {color}; font-weight: bold;")
