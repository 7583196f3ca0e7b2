"""The Tests page as the window's `Page` (the registry lists it after the Dashboard)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.core.sampling.monitor import MonitorState
from app.ui.pages.base import PageContext
from app.ui.pages.tests.page import TestsPage


class TestsEntry:
    """Stress and cooling tests, their live graphs and results."""

    __test__ = False  # pytest must not collect it, though its name starts with "Test"

    title = "Tests"

    def __init__(self, context: PageContext) -> None:
        self.view = TestsPage(context)

    @property
    def widget(self) -> QWidget:
        return self.view

    @property
    def paused(self) -> bool:
        return False  # a test's graphs follow it whenever the page is shown

    def refresh(self, state: MonitorState, end_s: float) -> None:
        self.view.refresh(state, end_s)
