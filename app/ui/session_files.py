"""Recording a session and exporting one as CSV from the window: the toolbar's file actions.

Closing a recording joins the recorder's writer thread and writing a CSV reads a whole session;
both run on workers (`BackgroundTask`), and `recording_saved` / `exported` say when they are done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.core.errors import UserError
from app.core.sampling.live import LiveSession, StoppedRecording
from app.core.sessions.csv_export import export_csv
from app.core.sessions.recorder import recording_failure
from app.ui.background import BackgroundTask

StatusLine = Callable[[str, int], None]  # (message, milliseconds to show it; 0: until replaced)


class SessionFiles(QObject):
    """The Record action and CSV export, for one window and its live session."""

    recording_saved = Signal(object)  # StoppedRecording, once its file is closed
    exported = Signal(object)  # Path of the CSV, once written

    def __init__(self, live: LiveSession, window: QWidget, status: StatusLine) -> None:
        super().__init__(window)
        self.live, self._window, self._status = live, window, status
        self.record_action = QAction("Record", window, checkable=True, shortcut=QKeySequence("Ctrl+R"))
        self.record_action.setToolTip("Start or stop recording a session file (Ctrl+R)")
        self.record_action.toggled.connect(self._on_record_toggled)
        self._saver = BackgroundTask("recording-saver", self)
        self._saver.finished.connect(self._on_recording_saved)
        self._saver.failed.connect(lambda message: QMessageBox.warning(window, "Cannot save recording", message))
        self._exporter = BackgroundTask("csv-export", self)
        self._exporter.finished.connect(self._on_exported)
        self._exporter.failed.connect(self._on_export_failed)

    @Slot(bool)
    def _on_record_toggled(self, recording: bool) -> None:
        if recording == (self.live.recorder is not None):
            return  # the action follows a recording started or stopped in code
        if not recording:
            self.stop_recording()
            return
        name, _ = QFileDialog.getSaveFileName(
            self._window, "Record session to", str(Path.home() / "session.aiwm"), "Session files (*.aiwm)"
        )
        if not name or not self.start_recording(Path(name)):
            self.record_action.setChecked(False)

    def start_recording(self, path: Path) -> bool:
        try:
            self.live.start_recording(path)
        except UserError as error:
            QMessageBox.warning(self._window, "Cannot record", str(error))
            return False
        self.record_action.setChecked(True)
        self._status(f"Recording to {path}", 0)
        return True

    def stop_recording(self) -> threading.Thread | None:
        """Stop recording; the file is closed on a worker (`recording_saved` says when)."""
        stopped = self.live.stop_recording()
        self.record_action.setChecked(False)
        if stopped is None:
            return None
        self._status(f"Saving {stopped.recorder.path}…", 0)
        return self._saver.run(lambda: _closed(stopped))

    @Slot(object)
    def _on_recording_saved(self, stopped: StoppedRecording) -> None:
        failure = recording_failure(stopped.recorder)
        if failure is not None:  # a full disk: say so, not "saved"
            self._status(f"Recording failed: {failure}", 0)
            QMessageBox.warning(self._window, "Recording failed", failure)
            self.recording_saved.emit(stopped)
            return
        notes = "".join(f"; {s.message}" for s in stopped.skipped)
        self._status(
            f"Recording saved to {stopped.recorder.path}: {stopped.recorder.rows_written} readings{notes}", 10_000
        )
        self.recording_saved.emit(stopped)

    def choose_and_export(self, source: Path | None) -> None:
        """Ask which session (unless one is being replayed) and where to write the CSV, then export."""
        if source is None:
            name, _ = QFileDialog.getOpenFileName(
                self._window, "Session to export", str(Path.home()), "Sessions (*.aiwm)"
            )
            source = Path(name) if name else None
        if source is None:
            return
        target, _ = QFileDialog.getSaveFileName(
            self._window, "Export CSV to", str(source.with_suffix(".csv")), "CSV (*.csv)"
        )
        if target:
            self.export_session(source, Path(target))

    def export_session(self, source: Path, target: Path) -> threading.Thread:
        """Write `source` as CSV to `target` on a worker (`exported` says when)."""
        self._status(f"Exporting {source.name} to {target}…", 0)
        return self._exporter.run(lambda: (target, *export_csv(source, target)))

    @Slot(object)
    def _on_exported(self, result: tuple[Path, int, int]) -> None:
        target, rows, columns = result
        self._status(f"Wrote {rows} rows × {columns} metrics to {target}", 10_000)
        self.exported.emit(target)

    @Slot(str)
    def _on_export_failed(self, reason: str) -> None:
        message = f"Cannot export: {reason}"
        self._status(message, 0)  # replaces "Exporting …", which would otherwise stay
        QMessageBox.warning(self._window, "Cannot export", message)

    def wait(self) -> None:
        """Block until files being written are complete (on quitting)."""
        self._saver.wait()
        self._exporter.wait()


def _closed(stopped: StoppedRecording) -> StoppedRecording:
    """Close the recording's file (joins its writer thread: call on a worker)."""
    stopped.recorder.close()
    return stopped
