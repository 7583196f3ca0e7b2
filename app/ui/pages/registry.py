"""The list of pages the window shows, in sidebar order; a new capability adds its page here."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.core.sampling.monitor import MonitorState
from app.ui.pages.base import Page, PageContext
from app.ui.pages.dashboard.page import DashboardPage
from app.ui.pages.doctor.entry import DoctorEntry
from app.ui.pages.hosts.entry import HostsEntry
from app.ui.pages.planner.entry import PlannerEntry
from app.ui.pages.reports.entry import ReportsEntry
from app.ui.pages.tests.entry import TestsEntry

PageFactory = Callable[[PageContext], Page]


class DashboardEntry:
    """The Dashboard as a `Page`: every GPU side by side and the host below."""

    title = "Dashboard"

    def __init__(self, context: PageContext) -> None:
        self.view = DashboardPage(
            context.inventory.host,
            context.inventory.gpus,
            context.theme,
            context.settings.window_s,
            context.inventory.nvidia,
        )
        # At a time scale the host is not sampled (its readings are real time): no empty graphs for it.
        self.view.host_panel.setVisible(context.host_sampled)

    @property
    def widget(self) -> QWidget:
        return self.view

    @property
    def paused(self) -> bool:
        return self.view.paused

    def refresh(self, state: MonitorState, end_s: float) -> None:
        self.view.refresh(state, end_s)


PAGES: tuple[PageFactory, ...] = (DashboardEntry, DoctorEntry, HostsEntry, TestsEntry, PlannerEntry, ReportsEntry)
