"""One remote host opened: the local Dashboard's own page, fed by that host's state, and a way back."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.sampling.live import SIMULATED_ONLY
from app.fleet.watch import HostView, newest_time
from app.ui.pages.dashboard.page import DashboardPage
from app.ui.pages.hosts.host_row import state_text
from app.ui.theme import Theme
from app.ui.widgets.tiles import Banner

SIMULATED_HOST = "SIMULATED GPUs on {host} (its aiwm runs --demo): these readings are not real hardware"
HOST_LEFT_OUT = (
    "; its aiwm runs at a --time-scale, so only the simulated GPUs are sampled: the host's CPU, memory,"
    " disks and network are left out"
)


def host_left_out(view: HostView) -> bool:
    """The remote samples its simulated GPUs only (its stream header says "simulated only")."""
    return view.header is not None and view.header.sources == SIMULATED_ONLY


class HostDashboard(QWidget):
    """A remote host's dashboard; `back_requested` returns to the fleet overview."""

    back_requested = Signal()

    def __init__(self, view: HostView, theme: Theme, window_s: float) -> None:
        super().__init__()
        assert view.header is not None and view.state is not None, "a host is opened once its stream began"
        self.host, self.generation = view.host, view.generation
        inventory = view.header.inventory
        self.dashboard = DashboardPage(inventory.host, inventory.gpus, theme, window_s, inventory.nvidia)
        self.back_button = QPushButton("← All hosts")
        self.back_button.setToolTip("Back to the fleet overview (Esc)")
        self.back_button.setShortcut("Esc")
        self.back_button.clicked.connect(self.back_requested)
        self.title = QLabel()
        self.simulated_banner = Banner(theme.simulated, SIMULATED_HOST.format(host=view.host))
        self._show_sources(view)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.simulated_banner)
        layout.addWidget(self.dashboard, 1)

    def show_view(self, view: HostView, now_s: float) -> None:
        """The host's state in the title; the graphs up to its newest sample (frozen while it is away)."""
        remote = view.header.host if view.header is not None and view.header.host else view.host
        self.title.setText(
            f"<b>{html.escape(view.host)}</b> ({html.escape(remote)}): {html.escape(state_text(view, now_s))}"
        )
        self._show_sources(view)
        end_s = newest_time(view)
        if view.state is not None and end_s is not None and not self.dashboard.paused:
            self.dashboard.refresh(view.state, end_s)

    def _show_sources(self, view: HostView) -> None:
        """The SIMULATED banner; at a remote --time-scale it says the host is left out, and no host panel."""
        left_out = host_left_out(view)
        text = SIMULATED_HOST.format(host=view.host) + (HOST_LEFT_OUT if left_out else "")
        if self.simulated_banner.text() != text:
            self.simulated_banner.setText(text)
        self.simulated_banner.setVisible(view.simulated)
        self.dashboard.host_panel.setVisible(not left_out)
