"""The fleet overview: one row per watched host, in the order they were added."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from app.fleet.watch import HostView
from app.ui.pages.hosts.host_row import HostRow
from app.ui.theme import Theme

NO_HOSTS = (
    "No hosts yet. Add user@server, server or an alias from ~/.ssh/config: each is watched over ssh "
    "with `aiwm stream`, with your own keys and config."
)


class FleetOverview(QScrollArea):
    """The hosts' rows; their `open_requested`, `remove_requested` and `retry_requested` pass through."""

    open_requested = Signal(str, int)
    remove_requested = Signal(str)
    retry_requested = Signal(str)

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self._theme = theme
        self.rows: dict[str, HostRow] = {}
        self.empty = QLabel(NO_HOSTS)
        self.empty.setWordWrap(True)
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.setSpacing(6)
        self._layout.addWidget(self.empty)
        self._layout.addStretch(1)
        self.setWidgetResizable(True)
        self.setWidget(body)

    def add(self, view: HostView) -> HostRow:
        """A row for `view`'s host; the existing row, selected, when the host has one already."""
        existing = self.rows.get(view.host)
        if existing is not None:
            self.select(view.host)
            return existing
        row = HostRow(view, self._theme)
        row.open_requested.connect(self.open_requested)
        row.remove_requested.connect(self.remove_requested)
        row.retry_requested.connect(self.retry_requested)
        self.rows[view.host] = row
        self._layout.insertWidget(self._layout.count() - 1, row)  # above the stretch
        row.show()  # at once, not at the next event-loop turn (Qt shows a widget added to a layout later)
        self.empty.hide()
        return row

    def remove(self, host: str) -> None:
        row = self.rows.pop(host, None)
        if row is not None:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.empty.setVisible(not self.rows)

    def select(self, host: str) -> None:
        """Scroll to `host`'s row and flash it (the user added a host that is already listed)."""
        row = self.rows[host]
        self.ensureWidgetVisible(row)
        row.flash()
