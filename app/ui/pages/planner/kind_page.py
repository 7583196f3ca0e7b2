"""The wizard's first step: what kind of project this is, which sets the next steps' defaults."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout

from app.planner.records import Workload
from app.ui.pages.planner.checked_page import CheckedPage
from app.ui.theme import Theme


@dataclass(frozen=True)
class ProjectKind:
    """A kind of project: its name, what it means, and the workload it usually is."""

    name: str
    meaning: str
    workload: Workload


PROJECT_KINDS = (
    ProjectKind("pilot", "a first try on a small scale: does the idea work at all?", "qlora"),
    ProjectKind("fine-tune", "adapt an existing model to your data", "lora"),
    ProjectKind("train from scratch", "pretrain a model on a large corpus", "pretrain"),
    ProjectKind("serve", "run a model for users: inference", "inference"),
)


class KindPage(CheckedPage):
    """Pilot, fine-tune, train from scratch or serve."""

    def __init__(self, theme: Theme) -> None:
        super().__init__(
            theme, "Project", "What kind of project is it? It sets the workload you can change on the next steps."
        )
        self.buttons = QButtonGroup(self)
        column = QVBoxLayout(self)
        for number, kind in enumerate(PROJECT_KINDS):
            button = QRadioButton(kind.name)
            self.buttons.addButton(button, number)
            explanation = QLabel(kind.meaning)
            explanation.setIndent(24)
            column.addWidget(button)
            column.addWidget(explanation)
        self.buttons.button(1).setChecked(True)
        column.addStretch(1)

    def kind(self) -> ProjectKind:
        return PROJECT_KINDS[max(0, self.buttons.checkedId())]
