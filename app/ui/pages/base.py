"""The one small interface every page of the window implements.

A page is a title in the sidebar and a widget in the window. It is handed what it may use when
it is made (`PageContext`) and is told, on the 1 Hz redraw timer, when new samples have arrived
while it is visible (`refresh`). Pages never call NVML or psutil and do no blocking work on the
GUI thread; they read the `MonitorState` they are given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtWidgets import QWidget

from app.core.inventory import Inventory
from app.core.sampling.live import LiveSession
from app.core.sampling.monitor import MonitorState
from app.core.settings import Settings
from app.ui.theme import Theme


@dataclass(frozen=True)
class PageContext:
    """What a page is made from: the machine's inventory, the theme, the settings at start."""

    inventory: Inventory
    theme: Theme
    settings: Settings
    host_sampled: bool = True  # False at a --time-scale: only the simulated GPUs are sampled
    # The running session (its engine and samples), for pages that start work of their own (the
    # doctor's fact gathering, a stress test): they run it off the GUI thread and subscribe to samples.
    live: LiveSession | None = None


class Page(Protocol):
    """A page of the window: a sidebar title, a widget, and a hook for new samples."""

    title: str

    @property
    def widget(self) -> QWidget:
        """What the window shows for this page."""
        ...

    @property
    def paused(self) -> bool:
        """True while the page shows a frozen view and must not be redrawn."""
        ...

    def refresh(self, state: MonitorState, end_s: float) -> None:
        """New samples arrived and the page is visible: show the view ending at `end_s`."""
        ...
