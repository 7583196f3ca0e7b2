"""The Hosts page as a `Page` of the window: remote hosts over `RemoteHost`, the list in the data folder."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.core.sampling.monitor import MonitorState
from app.fleet.remote import RemoteHost
from app.fleet.watch import Fleet, WatchedHost
from app.ui.pages.base import PageContext
from app.ui.pages.hosts.page import HostsPage

# Remote hosts stream at the local dashboard's rate.
REMOTE_INTERVAL_S = 1.0


def watch_over_ssh(host: str) -> WatchedHost:
    return RemoteHost(host, interval_s=REMOTE_INTERVAL_S)


class HostsEntry:
    """Hosts in the sidebar; the page draws on its own 1 Hz timer, so `refresh` has nothing to add."""

    title = "Hosts"

    def __init__(self, context: PageContext) -> None:
        self.view = HostsPage(Fleet(watch_over_ssh), context.theme, context.settings.window_s)

    @property
    def widget(self) -> QWidget:
        return self.view

    @property
    def paused(self) -> bool:
        return self.view.paused

    def refresh(self, state: MonitorState, end_s: float) -> None:
        """The local samples are not this page's: it draws the remote hosts on its own timer."""
