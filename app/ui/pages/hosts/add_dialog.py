"""The dialog that adds a host: one name, checked before it is accepted; never a password."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.fleet.host_list import host_name_problem
from app.ui.theme import Theme

HOW_IT_CONNECTS = (
    "The host is watched with your own OpenSSH client: <tt>ssh -T -o BatchMode=yes HOST aiwm stream</tt>. "
    "Keys, your ssh agent, ProxyJump and known-hosts checks from <tt>~/.ssh/config</tt> are used as they are. "
    "No password is ever asked for or stored: set up key login first (<tt>ssh-copy-id HOST</tt>). "
    "The host needs aiwm installed and on the PATH of a non-interactive login (<tt>ssh HOST aiwm --version</tt>)."
)


class AddHostDialog(QDialog):
    """Asks for `user@server`, `server` or an ssh alias; a bad name is explained here, in one line."""

    def __init__(self, watched: Collection[str], theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a host")
        self._watched = watched
        self.name = QLineEdit()
        self.name.setPlaceholderText("user@server, server, or an alias from ~/.ssh/config")
        self.name.setToolTip("One word: what you would type after `ssh`.")
        about = QLabel(HOW_IT_CONNECTS)
        about.setWordWrap(True)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {theme.critical}")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Host:"))
        layout.addWidget(self.name)
        layout.addWidget(self.error)
        layout.addWidget(about)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def host(self) -> str:
        """The name as typed, without the spaces around it (a paste often brings a trailing one)."""
        return self.name.text().strip()

    def problem(self) -> str | None:
        """Why the name typed cannot be added, or None."""
        host = self.host()
        if host in self._watched:
            return f"{host} is already on the list."
        return host_name_problem(host)

    @Slot()
    def _on_ok_clicked(self) -> None:
        problem = self.problem()
        if problem is None:
            self.accept()
            return
        self.error.setText(problem)
        self.error.show()
        self.name.setFocus()
