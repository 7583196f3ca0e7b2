"""The Planner as a `Page` of the window: plans against the GPUs of the running session's inventory."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.core.sampling.monitor import MonitorState
from app.ui.pages.base import PageContext
from app.ui.pages.planner.page import PlannerPage
from app.ui.pages.planner.planner_port import LazyPlanner, Planner


class PlannerEntry:
    """The Planner page; it plans on demand and ignores the 1 Hz samples."""

    title = "Planner"

    def __init__(self, context: PageContext, planner: Planner | None = None) -> None:
        inventory = context.inventory
        self.view = PlannerPage(context.theme, planner or LazyPlanner(), inventory.gpus, inventory.simulated)

    @property
    def widget(self) -> QWidget:
        return self.view

    @property
    def paused(self) -> bool:
        return False

    def refresh(self, state: MonitorState, end_s: float) -> None:
        """The planner does not follow the samples: nothing to redraw."""
