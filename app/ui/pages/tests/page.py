"""The Tests page: choose a stress or cooling test, watch it run, cancel it, read its verdict.

The test runs on a worker thread (`BackgroundTask`); its `Progress` reaches the GUI thread as a Qt
signal. One test at a time. Leaving the page or closing the window cancels a running test: the
runner stops its workload, and on closing the page waits for it, so no process or file is left.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Mapping
from html import escape
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import Clock, SystemClock
from app.core.errors import UserError
from app.core.gpu.status_advice import advise
from app.core.sampling.monitor import MonitorState
from app.stress.records import Progress
from app.stress.thermal.run import GUARD_STOP_WORDS
from app.ui.background import BackgroundTask
from app.ui.pages.base import PageContext
from app.ui.pages.tests.choices import TestChoices
from app.ui.pages.tests.engine_runner import EngineRunner, Finished, Runner, TestRequest, ThermalRequest
from app.ui.pages.tests.metric_text import metrics_text
from app.ui.pages.tests.past_runs import PastRuns
from app.ui.pages.tests.result_card import ResultCard
from app.ui.pages.tests.run_plots import RunPlots, watched_for
from app.ui.pages.tests.run_state import ActiveRun, duration_text, extend_spans, kind_and_device, planned_length_s

log = logging.getLogger(__name__)
PROGRESS_STEPS = 1000
DRAW_INTERVAL_S = 0.25
SHUTDOWN_WAIT_S = 15.0  # a cancelled runner stops its workload within seconds; closing waits this long at most


class _ProgressRelay(QObject):
    """Carries `Progress` from the worker thread to the GUI thread (a queued Qt signal)."""

    reported = Signal(object)


class TestsPage(QWidget):
    """Choices, Start / Cancel, progress, live graphs, the result card and the past runs."""

    __test__ = False  # pytest must not collect it, though its name starts with "Test"

    run_finished = Signal(object)  # the `Finished` of a run, after the page has shown it

    def __init__(self, context: PageContext, runner: Runner | None = None, clock: Clock | None = None) -> None:
        super().__init__()
        self._context = context
        live = context.live
        self.runner = runner if runner is not None else (EngineRunner(live) if live is not None else None)
        self.clock = clock or (live.engine.clock if live is not None else SystemClock())
        self.simulated_engine = live.engine.simulated if live is not None else context.inventory.nvidia.simulated
        self.run: ActiveRun | None = None
        self._state: MonitorState | None = None
        self._past_loaded = False
        gpus = context.inventory.gpus
        advice = advise(context.inventory.nvidia)
        self.choices = TestChoices(gpus, advice.text() if advice is not None else "no NVIDIA GPU was found")
        self.simulated_label = QLabel(
            f"<b style='color:{context.theme.simulated}'>SIMULATED</b> GPUs (--demo): GPU, VRAM and GPU cooling "
            "tests load a simulated card and their results are labelled SIMULATED; CPU, RAM and disk tests run "
            "on this machine's real hardware."
        )
        self.simulated_label.setWordWrap(True)
        self.simulated_label.setVisible(self.simulated_engine)
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Start the chosen test (one at a time).")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the test now; its workload is stopped and its files removed.")
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setTextVisible(True)
        self.phase_label = QLabel()
        self.message = QLabel()  # a choice that cannot run, in one line
        self.message.setWordWrap(True)
        self.plots = RunPlots(context.theme)
        self.card = ResultCard(context.theme)
        self.past_runs = PastRuns(context.theme)
        self.past_note = QLabel()
        self._task = BackgroundTask("stress-test", self)
        self._task.finished.connect(self._on_finished)
        self._task.failed.connect(self._on_failed)
        self._past_task = BackgroundTask("test-results", self)
        self._past_task.finished.connect(self._on_past_results)
        self._past_task.failed.connect(self._on_past_failed)
        self._relay = _ProgressRelay(self)
        self._relay.reported.connect(self._on_progress)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._build()
        self._show_idle()

    def _build(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(self.start_button)
        controls.addWidget(self.cancel_button)
        controls.addWidget(self.progress, 1)
        run = QVBoxLayout()  # left: what to run and how it goes
        run.addWidget(self.choices)
        run.addLayout(controls)
        run.addWidget(self.phase_label)
        run.addWidget(self.message)
        run.addWidget(self.plots, 1)
        results = QVBoxLayout()  # right: how it ended, and the runs before
        results.addWidget(self.card, 3)
        results.addWidget(QLabel("<b>Past runs</b>"))
        results.addWidget(self.past_note)
        results.addWidget(self.past_runs, 2)
        row = QHBoxLayout()
        row.addLayout(run, 5)
        row.addLayout(results, 2)
        # No scroll area: the graphs share the height they get (at least 620 x 480 in all), and a
        # scroll area would size them to their preferred height and push the result out of view.
        column = QVBoxLayout(self)
        column.addWidget(self.simulated_label)
        column.addLayout(row, 1)

    # -- starting and stopping -----------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.run is not None

    @Slot()
    def start(self) -> bool:
        """Start the chosen test on a worker thread; False (and a one-line message) when it cannot start."""
        if self.run is not None:
            return False
        if self.runner is None:
            self.message.setText("No engine to run tests with (the window has no live session).")
            return False
        try:
            request = self.choices.request()
        except UserError as error:
            self.message.setText(str(error))
            return False
        now_s = self.clock.monotonic()
        run = ActiveRun(
            request, threading.Event(), self.clock.to_wall(now_s), planned_length_s(request), self._simulated(request)
        )
        self.run = run
        self.message.clear()
        kind, device = kind_and_device(request)
        self.plots.begin(watched_for(kind, device, self._context.inventory.gpus), run.total_s, run.simulated)
        self._show_running()
        runner, relay = self.runner, self._relay
        self._task.run(lambda: runner.run(request, run.cancel, lambda p: _relay(relay, p)))
        return True

    @Slot()
    def cancel(self) -> None:
        """Ask the runner to stop; the button says so until the runner returns."""
        if self.run is None or self.run.cancel.is_set():
            return
        self.run.cancel_pressed_s = self.clock.to_wall(self.clock.monotonic()) - self.run.start_wall_s
        self.run.cancel.set()
        self.cancel_button.setText("Cancelling…")
        self.cancel_button.setEnabled(False)
        self.phase_label.setText("Cancelling: stopping the workload and removing its files…")

    @Slot()
    def shutdown(self) -> None:
        """The window is closing: cancel a running test and wait for its workload to stop."""
        if self.run is None:
            return
        self.cancel()
        self._task.wait(SHUTDOWN_WAIT_S)
        if self._task.busy:
            log.warning("the test did not stop within %.0f s of being cancelled", SHUTDOWN_WAIT_S)

    def hideEvent(self, event: QHideEvent) -> None:
        """Leaving the page cancels a running test; a minimised or tray-hidden window does not."""
        super().hideEvent(event)
        if self.run is None or event.spontaneous():
            return
        window = self.window()
        if window.isVisible():
            self.cancel()  # another page was chosen
        elif self._context.live is None or not self._context.live.running:
            self.shutdown()  # the window closed and stopped its session

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._past_loaded:
            self.load_past_results()

    def _simulated(self, request: TestRequest) -> bool:
        _kind, device = kind_and_device(request)
        return self.simulated_engine and device is not None and device.startswith("gpu")

    # -- while it runs -------------------------------------------------------------------------

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        run = self.run
        if run is None:
            return
        total_s = progress.total_s if progress.total_s > 0 else run.total_s
        fraction = min(max(progress.elapsed_s / total_s, 0.0), 1.0) if total_s > 0 else 0.0
        self.progress.setValue(round(fraction * PROGRESS_STEPS))
        left = duration_text(max(total_s - progress.elapsed_s, 0.0))
        simulated = " · SIMULATED" if run.simulated else ""
        self.progress.setFormat(f"{progress.phase} · {left} left{simulated}")
        if not run.cancel.is_set():
            self.phase_label.setText(_phase_line(progress))
        self._show_safety_stop(progress.message)
        new_phase = not run.spans or run.spans[-1].phase != progress.phase
        extend_spans(run.spans, progress.phase, progress.elapsed_s)
        if progress.phase == "load" and progress.status.running:
            self.plots.add_throughput(progress.elapsed_s, progress.status.metrics)
        else:
            self.plots.no_throughput(f"no load in the {progress.phase} phase")
        # Progress may come faster than a screen needs (a simulated run at a time scale): the
        # graphs are redrawn at most every DRAW_INTERVAL_S, at once when a phase begins, and once
        # more when the run ends.
        now = time.monotonic()
        if new_phase or now - run.drawn_at >= DRAW_INTERVAL_S:
            run.drawn_at = now
            self._draw_progress(run)

    def _show_safety_stop(self, message: str) -> None:
        """The guard's stop, at once and until the run ends: the load is over, the cooldown runs."""
        at = message.find(GUARD_STOP_WORDS)
        if at < 0:
            return
        stop = message[at:].split("; ")[0]
        color = self._context.theme.critical
        self.message.setText(f"<b style='color:{color}'>Safety stop:</b> {escape(stop)}; cooling down now.")

    def _draw_progress(self, run: ActiveRun) -> None:
        self.plots.draw_throughput()
        if isinstance(run.request, ThermalRequest):
            self.plots.shade(run.spans)

    def refresh(self, state: MonitorState, end_s: float) -> None:
        """New samples: extend the sensor curves of the test under way."""
        self._state = state
        if self.run is not None:
            self.plots.show_sensors(state.history, self.run.start_wall_s, end_s)

    @Slot(object)
    def _on_finished(self, finished: Finished) -> None:
        run, self.run = self.run, None
        result = finished.result
        if run is not None:
            self._draw_progress(run)
            if self._state is not None:
                end_s = self.clock.to_wall(self.clock.monotonic())
                self.plots.show_sensors(self._state.history, run.start_wall_s, end_s)
        phases = getattr(result, "phases", None)
        if phases:
            self.plots.shade(phases)
        cancel_pressed_s = run.cancel_pressed_s if run is not None else None
        self.card.show_result(result, finished.saved_to, finished.save_problem, cancel_pressed_s)
        self.progress.setFormat(result.verdict.upper())
        if result.verdict != "aborted":
            self.progress.setValue(PROGRESS_STEPS)
        self.phase_label.setText(f"Finished: {result.verdict.upper()}")
        self._show_idle()
        self.load_past_results()
        self.run_finished.emit(finished)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.run = None
        self.card.show_failure(message)
        self.progress.setFormat("could not run")
        self.phase_label.setText(f"The test could not run: {message}")
        self._show_idle()

    def _show_running(self) -> None:
        self.start_button.setEnabled(False)
        self.choices.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.progress.setFormat("starting…")
        self.phase_label.setText("Starting…")

    def _show_idle(self) -> None:
        self.start_button.setEnabled(True)
        self.choices.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setEnabled(False)

    # -- past runs -----------------------------------------------------------------------------

    def load_past_results(self) -> None:
        """Read the stored results on a worker thread (files: never on the GUI thread)."""
        if self.runner is None or self._past_task.busy:
            return
        self._past_loaded = True
        runner = self.runner
        self._past_task.run(runner.past_results)

    @Slot(object)
    def _on_past_results(self, documents: list[Mapping[str, Any]]) -> None:
        self.past_runs.show_documents(documents)
        self.past_note.setText("" if documents else "No stored results yet.")

    @Slot(str)
    def _on_past_failed(self, message: str) -> None:
        self.past_note.setText(f"Past results could not be read: {message}")


def _phase_line(progress: Progress) -> str:
    """ "Phase: load · Sequential write 2.99 GB/s · 3 errors found so far", in words and units; a
    cooling test's own notes (waiting for a calm idle, the guard's stop) after its numbers."""
    parts = [f"Phase: {progress.phase}"]
    shown = metrics_text(progress.status.metrics) if progress.status.running else ""
    if shown:
        parts.append(shown)
    errors = progress.status.errors
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''} found so far")
    notes = progress.message.split("; ")[1:] if progress.message else []
    return " · ".join(parts) + "".join(f"<br>{escape(note)}" for note in notes)


def _relay(relay: _ProgressRelay, progress: Progress) -> None:
    """From the worker thread; a page already gone (the window closed) must not break the runner."""
    with contextlib.suppress(RuntimeError):
        relay.reported.emit(progress)
