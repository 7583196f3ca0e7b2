"""The Python environments the user adds for the doctor to check (a venv or conda folder, or an interpreter).

The program's own Python and the conda environments the gathering finds by itself are always
checked; these are the others, remembered for every re-run while the window is open. What counts
as an environment is the doctor's rule (`environment_problem`), the same as `aiwm doctor --env`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from app.doctor.facts.environments import environment_problem
from app.ui.pages.doctor.finding_list import wrapping_label
from app.ui.theme import Theme


class EnvironmentList(QWidget):
    """The added environments, each with a Remove button, and the "Add Python environment…" button."""

    changed = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.paths: list[Path] = []
        self._rows: dict[Path, QWidget] = {}
        self._remove_buttons: dict[Path, QPushButton] = {}
        self.add_button = QPushButton("Add Python environment…")
        self.add_button.setToolTip(
            "Check the frameworks of another Python environment too: a venv or conda folder, or a python executable"
        )
        menu = QMenu(self.add_button)
        self.folder_action = QAction("Environment folder (venv or conda)…", menu)
        self.folder_action.triggered.connect(self._on_choose_folder)
        self.interpreter_action = QAction("Python interpreter…", menu)
        self.interpreter_action.triggered.connect(self._on_choose_interpreter)
        menu.addActions([self.folder_action, self.interpreter_action])
        self.add_button.setMenu(menu)
        self.none_note = QLabel("None added: the program's own Python and the conda environments found are checked.")
        self.none_note.setWordWrap(True)
        self.none_note.setStyleSheet(f"color: {theme.muted};")
        self.problem = wrapping_label("")
        self.problem.setStyleSheet(f"color: {theme.critical};")
        self.problem.hide()
        self._list = QVBoxLayout()
        self._list.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.none_note)
        layout.addLayout(self._list)
        layout.addWidget(self.problem)
        layout.addWidget(self.add_button)

    def add(self, path: Path) -> str | None:
        """Add `path` to the environments checked from the next run on; returns why not, or None."""
        problem = environment_problem(path)
        if problem is None and path in self.paths:
            problem = f"{path} is already in the list"
        self.problem.setText(problem or "")
        self.problem.setVisible(problem is not None)
        if problem is None:
            self.paths.append(path)
            self._rows[path] = self._row(path)
            self._list.addWidget(self._rows[path])
            self._rows[path].show()
            self.none_note.hide()
            self.changed.emit()
        return problem

    def remove(self, path: Path) -> None:
        """Stop checking `path` (from the next run on)."""
        self.paths.remove(path)
        row = self._rows.pop(path)
        del self._remove_buttons[path]
        self._list.removeWidget(row)
        row.deleteLater()
        self.none_note.setVisible(not self.paths)
        self.problem.hide()
        self.changed.emit()

    def remove_button(self, path: Path) -> QPushButton:
        """The Remove button of `path`'s row."""
        return self._remove_buttons[path]

    def _row(self, path: Path) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(wrapping_label(str(path)), 1)
        remove = QPushButton("Remove")
        remove.setToolTip(f"Stop checking {path}")
        remove.clicked.connect(lambda: self.remove(path))
        self._remove_buttons[path] = remove
        layout.addWidget(remove)
        return row

    @Slot()
    def _on_choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Python environment folder (venv or conda)", str(Path.home()))
        if folder:
            self.add(Path(folder))

    @Slot()
    def _on_choose_interpreter(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Python interpreter", str(Path.home()))
        if name:
            self.add(Path(name))
