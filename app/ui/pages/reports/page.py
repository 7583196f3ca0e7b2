"""The Reports page: pick sections, redaction, period and format; preview the report; save it.

Building the report reads the machine (and may run the doctor), and drawing the preview takes a
moment: both run on worker threads (`BackgroundTask`) so the window keeps painting. The builder,
the writer, the preview, the save dialog and "open folder" are handed in, so tests use fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.core.sampling.history import History
from app.report.build import ReportOptions
from app.ui.background import BackgroundTask
from app.ui.pages.reports.choices import ReportChoices, filter_of, suggested_name, with_suffix
from app.ui.pages.reports.controls import ReportControls
from app.ui.pages.reports.saving import Write, save_report
from app.ui.theme import Theme

Build = Callable[[ReportOptions, History | None], dict[str, Any]]
Preview = Callable[[dict[str, Any]], list[QImage]]
ChoosePath = Callable[[QWidget, str, str], tuple[Path, bool] | None]  # -> (path, replace confirmed)
OpenFolder = Callable[[Path], None]
HistorySource = Callable[[], History | None]
PREVIEW_WIDTH_PX = 760
STALE_TEXT = (
    "⚠ Out of date: the choices changed since this preview (redaction, sections or period). "
    "Press “Refresh preview” to see the report that Save will write."
)


def ask_save_path(parent: QWidget, suggested: str, file_filter: str) -> tuple[Path, bool] | None:
    """Qt's save dialog, which asks before replacing an existing file; None when cancelled."""
    name, _ = QFileDialog.getSaveFileName(parent, "Save report", suggested, file_filter)
    if not name:
        return None
    chosen = Path(name)
    return chosen, chosen.exists()  # it exists only if the dialog's "replace?" was answered yes


def open_in_file_manager(folder: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class ReportsPage(QWidget):
    """The report for IT: choices on the left, the pages as they will print on the right."""

    preview_shown = Signal(int)  # number of pages
    saved = Signal(object)  # Path
    failed = Signal(str)

    def __init__(
        self,
        theme: Theme,
        build: Build,
        write: Write,
        preview: Preview,
        history: HistorySource = lambda: None,
        choose_path: ChoosePath = ask_save_path,
        open_folder: OpenFolder = open_in_file_manager,
    ) -> None:
        super().__init__()
        self.theme, self._build, self._write, self._preview = theme, build, write, preview
        self._history, self._choose_path, self._open_folder = history, choose_path, open_folder
        self.last_saved: Path | None = None
        self.page_labels: list[QLabel] = []
        self.previewed: ReportOptions | None = None  # the choices the pages shown were built with
        self._folder = Path.home()
        self._busy = False
        self._preview_task = BackgroundTask("report preview", self)
        self._preview_task.finished.connect(self._on_preview_built)
        self._preview_task.failed.connect(self._on_failed)
        self._save_task = BackgroundTask("report save", self)
        self._save_task.finished.connect(self._on_saved)
        self._save_task.failed.connect(self._on_failed)
        self.controls = ReportControls(theme)
        self.controls.preview_button.clicked.connect(self.refresh_preview)
        self.controls.save_button.clicked.connect(self.save)
        self.controls.open_folder_button.clicked.connect(self._on_open_folder)
        self.controls.choices_changed.connect(self._on_choices_changed)
        self._build_layout()

    def _build_layout(self) -> None:
        self.pages_column = QVBoxLayout()
        self.pages_column.setSpacing(12)
        self.hint = QLabel("Press “Refresh preview” to build the report with these choices.")
        self.hint.setStyleSheet(f"color: {self.theme.muted};")
        self.pages_column.addWidget(self.hint, 0, Qt.AlignmentFlag.AlignHCenter)
        self.pages_column.addStretch(1)
        holder = QWidget()
        holder.setLayout(self.pages_column)
        self.preview_area = QScrollArea()
        self.preview_area.setWidgetResizable(True)
        self.preview_area.setWidget(holder)
        self.stale_line = QLabel(STALE_TEXT)
        self.stale_line.setWordWrap(True)
        self.stale_line.setStyleSheet(f"color: {self.theme.warning}; font-weight: bold;")
        self.stale_line.hide()
        preview_column = QVBoxLayout()
        preview_column.addWidget(self.stale_line)
        preview_column.addWidget(self.preview_area, 1)
        row = QHBoxLayout(self)
        row.addWidget(self.controls, 0)
        row.addLayout(preview_column, 1)

    # -- actions ------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    @Slot()
    def refresh_preview(self) -> None:
        """Build the report with the current choices and draw its pages, off the GUI thread."""
        if self._busy:
            return
        options, history = self.controls.choices().options(), self._history()
        self._set_busy(True, "Building the report…")
        self._preview_task.run(lambda: (options, self._preview(self._build(options, history))))

    @Slot()
    def save(self) -> None:
        """Ask where (the dialog confirms replacing a file), then build and write the report there."""
        if self._busy:
            return
        choices = self.controls.choices()
        suggested = str(self._folder / suggested_name(choices.fmt, datetime.now()))
        answer = self._choose_path(self, suggested, filter_of(choices.fmt))
        if answer is None:
            return
        path = with_suffix(answer[0], choices.fmt)
        confirmed = answer[1] and path == answer[0]
        self._folder = path.parent
        history = self._history()
        self._set_busy(True, f"Saving {path.name}…")
        self._save_task.run(lambda: self._build_and_save(choices, history, path, confirmed))

    def _build_and_save(self, choices: ReportChoices, history: History | None, path: Path, confirmed: bool) -> Path:
        """On the worker thread: the document, written whole."""
        return save_report(self._write, self._build(choices.options(), history), choices.fmt, path, confirmed)

    def wait(self, timeout_s: float = 30.0) -> None:
        """Block until work under way is done (tests, and quitting)."""
        self._preview_task.wait(timeout_s)
        self._save_task.wait(timeout_s)

    # -- results ------------------------------------------------------------------------------

    @property
    def preview_out_of_date(self) -> bool:
        """True while pages are shown that were built with other choices than the current ones."""
        return self.previewed is not None and self.previewed != self.controls.choices().options()

    @Slot()
    def _on_choices_changed(self) -> None:
        """Redaction, sections or period changed: the pages shown no longer are what Save writes."""
        stale = self.preview_out_of_date
        self.stale_line.setVisible(stale)
        for label in self.page_labels:
            label.setEnabled(not stale)  # greyed, so old pages are not read as the report to be saved

    @Slot(object)
    def _on_preview_built(self, built: tuple[ReportOptions, list[QImage]]) -> None:
        options, images = built
        self.previewed = options
        self._set_busy(False, f"Preview: {len(images)} page(s), as the PDF prints")
        for old in self.page_labels:
            old.deleteLater()
        self.page_labels = []
        self.hint.hide()
        for index, image in enumerate(images):
            page = QLabel()
            page.setPixmap(
                QPixmap.fromImage(image).scaledToWidth(PREVIEW_WIDTH_PX, Qt.TransformationMode.SmoothTransformation)
            )
            page.setStyleSheet(f"border: 1px solid {self.theme.muted};")
            self.pages_column.insertWidget(index, page, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(page)
        self._on_choices_changed()  # the choices may have changed while the pages were built
        self.preview_shown.emit(len(images))

    @Slot(object)
    def _on_saved(self, path: Path) -> None:
        self.last_saved = path
        self._set_busy(False, f"Saved {path}")
        self.controls.open_folder_button.show()
        self.saved.emit(path)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._set_busy(False, "")
        line = " ".join(message.split())  # one line, whatever the message held
        self.controls.error_line.setText(f"✖ The report could not be made: {line}")
        self.controls.error_line.show()
        self.failed.emit(line)

    @Slot()
    def _on_open_folder(self) -> None:
        if self.last_saved is not None:
            self._open_folder(self.last_saved.parent)

    def _set_busy(self, busy: bool, status: str) -> None:
        self._busy = busy
        if busy:
            self.controls.error_line.hide()
        for button in (self.controls.preview_button, self.controls.save_button):
            button.setEnabled(not busy)
        self.controls.status_line.setText(status)
