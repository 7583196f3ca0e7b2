"""The Doctor page: the overall verdict, the findings with their fixes, the facts, and a re-run.

Diagnosing gathers facts by running subprocesses (each framework is asked in its own Python,
with a timeout), which takes seconds: it runs on a worker thread (`BackgroundTask`) and the page
keeps painting, with a busy bar and the seconds so far. The first run starts when the page is
first shown, not when the window opens, so the dashboard starts as fast as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.doctor.records import DoctorReport
from app.ui.background import BackgroundTask
from app.ui.pages.doctor.environments import EnvironmentList
from app.ui.pages.doctor.facts_summary import FactsSummary
from app.ui.pages.doctor.finding_list import FindingList, wrapping_label
from app.ui.pages.doctor.status_style import GROUP_ORDER, LOOKS, status_color
from app.ui.theme import Theme, readable_text_on
from app.ui.widgets.tiles import Banner

Diagnose = Callable[[Sequence[Path]], DoctorReport]
SIMULATED_FACTS = (
    "SIMULATED: these facts describe simulated GPUs (--demo), not this machine's hardware; "
    "the findings show how the doctor reads such a machine"
)
COUNT_WORDS = {"fail": "failed", "warn": "warnings", "info": "for information", "skip": "not checked", "pass": "passed"}
TICK_MS = 1000


@dataclass(frozen=True)
class DoctorRun:
    """One finished diagnosis: the report, when it started (local time) and how long it took."""

    report: DoctorReport
    started_at: datetime
    took_s: float


def local_now() -> datetime:
    return datetime.now().astimezone()


def count_line(report: DoctorReport) -> str:
    """'1 failed, 2 warnings, 9 passed': how many findings of each status, problems first."""
    counts = [(status, sum(f.status == status for f in report.findings)) for status in GROUP_ORDER]
    return ", ".join(f"{count} {COUNT_WORDS[status]}" for status, count in counts if count) or "no findings"


class DoctorPage(QWidget):
    """The doctor's findings for this machine; `diagnose(environments)` gathers and checks the facts."""

    run_finished = Signal(object)  # DoctorRun, after the page shows it
    run_failed = Signal(str)

    def __init__(self, theme: Theme, diagnose: Diagnose, now: Callable[[], datetime] = local_now) -> None:
        super().__init__()
        self.theme, self.diagnose, self._now = theme, diagnose, now
        self.last_run: DoctorRun | None = None
        self._started_once = False
        self._busy = False
        self._busy_since = 0.0
        self._task = BackgroundTask("doctor", self)
        self._task.finished.connect(self._on_run_finished)
        self._task.failed.connect(self._on_run_failed)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._build_header()
        self.simulated_banner = Banner(theme.simulated, SIMULATED_FACTS)
        self.simulated_banner.hide()
        self.findings = FindingList(theme)
        self.facts = FactsSummary()
        self.environments = EnvironmentList(theme)
        self._build_layout()

    # -- building -----------------------------------------------------------------------------

    def _build_header(self) -> None:
        self.overall = QLabel("not checked yet")
        self.overall.setStyleSheet(f"color: {self.theme.muted}; font-size: 18px; font-weight: bold; padding: 2px 10px;")
        self.counts = QLabel("")
        self.counts.setStyleSheet("font-weight: bold;")
        self.checked_at = QLabel("The check starts when this page is first shown.")
        self.checked_at.setStyleSheet(f"color: {self.theme.muted};")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # no known end: a moving bar
        self.busy_bar.setMaximumWidth(140)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        self.busy_label = QLabel("")
        self.busy_label.hide()
        self.rerun_button = QPushButton("Re-run")
        self.rerun_button.setToolTip("Gather the facts again and re-check (F5); frameworks are asked in subprocesses")
        self.rerun_button.clicked.connect(self.rerun)
        rerun_key = QShortcut(QKeySequence(Qt.Key.Key_F5), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        rerun_key.activated.connect(self.rerun)
        self.error_line = wrapping_label("")
        self.error_line.setStyleSheet(f"color: {self.theme.critical}; font-weight: bold;")
        self.error_line.hide()

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        texts = QVBoxLayout()
        texts.addWidget(self.counts)
        texts.addWidget(self.checked_at)
        header.addWidget(self.overall, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addLayout(texts, 1)
        for widget in (self.busy_label, self.busy_bar, self.rerun_button):
            header.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        side = QWidget()
        side_column = QVBoxLayout(side)
        side_column.addWidget(_heading("What was found"))
        side_column.addWidget(self.facts)
        side_column.addSpacing(12)
        side_column.addWidget(_heading("Python environments to check"))
        side_column.addWidget(self.environments)
        side_column.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(_scrolling(self.findings), 3)
        body.addWidget(_scrolling(side), 2)
        column = QVBoxLayout(self)
        column.addWidget(self.simulated_banner)
        column.addLayout(header)
        column.addWidget(self.error_line)
        column.addLayout(body, 1)

    # -- running ------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """From the start of a check until its result or failure is shown (not only while the thread
        lives: a result still on its way to the GUI thread must not meet a second check)."""
        return self._busy

    def showEvent(self, event: QShowEvent) -> None:
        """The first time the page is shown, the first check starts."""
        super().showEvent(event)
        if not self._started_once:
            self._started_once = True
            self.rerun()

    @Slot()
    def rerun(self) -> None:
        """Diagnose again, with the environments listed now, on a worker thread (none while one runs)."""
        if self.busy:
            return
        self._started_once = True
        environments = tuple(self.environments.paths)
        started_at = self._now()
        self._set_busy(True)
        self._task.run(lambda: self._diagnose_timed(environments, started_at))

    def _diagnose_timed(self, environments: Sequence[Path], started_at: datetime) -> DoctorRun:
        """On the worker thread: the diagnosis and how long it took."""
        start = time.monotonic()
        report = self.diagnose(environments)
        return DoctorRun(report, started_at, time.monotonic() - start)

    def wait(self, timeout_s: float = 60.0) -> None:
        """Block until a diagnosis under way has ended (tests, and quitting)."""
        self._task.wait(timeout_s)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.rerun_button.setEnabled(not busy)
        self.busy_bar.setVisible(busy)
        self.busy_label.setVisible(busy)
        if busy:
            self._busy_since = time.monotonic()
            self._on_tick()
            self._tick.start()
        else:
            self._tick.stop()

    @Slot()
    def _on_tick(self) -> None:
        self.busy_label.setText(f"Checking… {time.monotonic() - self._busy_since:.0f} s")

    # -- results ------------------------------------------------------------------------------

    @Slot(object)
    def _on_run_finished(self, run: DoctorRun) -> None:
        self._set_busy(False)
        self.last_run = run
        self.error_line.hide()
        self._show_overall(run)
        self.simulated_banner.setVisible(run.report.facts.simulated)
        self.findings.show_findings(run.report.findings)
        self.facts.show_facts(run.report.facts)
        self.run_finished.emit(run)

    @Slot(str)
    def _on_run_failed(self, message: str) -> None:
        self._set_busy(False)
        shown = "" if self.last_run is None else f"; below: the results of {_when(self.last_run.started_at)}"
        self.error_line.setText(f"✖ The check could not run: {message}{shown}")
        self.error_line.show()
        self.run_failed.emit(message)

    def _show_overall(self, run: DoctorRun) -> None:
        overall = run.report.overall
        color = status_color(self.theme, overall)
        self.overall.setText(f"{LOOKS[overall].mark} {LOOKS[overall].word}")
        self.overall.setStyleSheet(
            f"background: {color}; color: {readable_text_on(color)}; border-radius: 4px;"
            " font-size: 18px; font-weight: bold; padding: 2px 10px;"
        )
        self.counts.setText(count_line(run.report))
        self.checked_at.setText(f"checked {_when(run.started_at)}, took {run.took_s:.1f} s")


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: bold; font-size: 14px;")
    return label


class _WrappingColumn(QWidget):
    """Holds `inner` in a scroll area at the height its wrapped text needs at the area's width.

    A layout of word-wrapping labels reports as its minimum the height of every label wrapped at
    its narrowest, and a resizable QScrollArea never makes its widget lower than that minimum: the
    column would scroll through empty space. With no minimum height, the scroll area takes the
    height for its width (`heightForWidth`), which is right.
    """

    def __init__(self, inner: QWidget) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(inner)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), 0)


def _scrolling(inner: QWidget) -> QScrollArea:
    """`inner` in a scroll area that gives it the whole width (labels wrap instead of scrolling sideways)."""
    area = QScrollArea()
    area.setWidget(_WrappingColumn(inner))
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area
