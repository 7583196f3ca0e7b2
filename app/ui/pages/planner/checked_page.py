"""A wizard page that refuses its input with one line of reason and keeps Next disabled until fixed."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QWizardPage

from app.ui.theme import Theme


class CheckedPage(QWizardPage):
    """Subclasses say what is wrong in `problem()`; the page shows it and Next waits for a fix."""

    def __init__(self, theme: Theme, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.reason = QLabel("")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(f"color: {theme.critical}; font-weight: bold;")

    def problem(self) -> str | None:
        """Why the page's input cannot be used, in one line; None when it can."""
        return None

    def isComplete(self) -> bool:
        return self.problem() is None

    @Slot()
    def recheck(self) -> None:
        """An input changed: show the reason (or none) and let the wizard re-enable Next."""
        problem = self.problem()
        self.reason.setText("" if problem is None else f"✖ {problem}")
        self.completeChanged.emit()
