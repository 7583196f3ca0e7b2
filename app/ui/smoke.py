"""The smoke test's child: the real window offscreen with simulated GPUs, step by step.

Started by `aiwm --smoke-test` (app.smoke.parent) as `aiwm --smoke-child` (app.smoke.child), in a
throw-away data folder. Each step prints one line, `smoke: <step> ok (N ms)` or
`smoke: <step> FAILED: <reason>` (app.smoke.lines); every Qt message goes to standard error, so
that the parent sees it and fails.
The first paint is the first paint event the main window receives, timed from this process's
creation, so it counts the whole cold start (the interpreter or bundle, imports, Qt, the window).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QMessageLogContext, QObject, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.core.engine import Engine, EngineOptions
from app.core.sampling.history import RECENT_WINDOW_S
from app.doctor.records import DoctorReport
from app.smoke.checks import SmokeFailure, check_report_files, report_paths, run_doctor
from app.smoke.clock import process_age_s
from app.smoke.lines import failed_line, ok_line
from app.ui.main_window import SIMULATED, MainWindow

WAIT_FOR_PAINT_S = 30.0
WAIT_FOR_SAMPLES_S = 30.0
MIN_GPU_SAMPLES = 2
MIN_COLOURS = 16  # a drawn page has text, antialiased edges and plots; a blank one has one or two colours
POLL_MS = 20
# A source's read in flight when sampling stops ends on its own; the test suite's guard also waits.
THREADS_END_S = 10.0

# A message of Qt's offscreen platform itself, which a window on a real desktop never gets: the
# offscreen plugin has no window manager to pass size hints to (qtbase, qoffscreenwindow.cpp). The
# test suite ignores it too (pyproject.toml, qt_log_ignore).
OFFSCREEN_ONLY = ("This plugin does not support propagateSizeHints()",)


def run_smoke_child(args: argparse.Namespace) -> int:
    """Run the steps in order and stop at the first that fails: 0 when all passed, else 1.

    The process is already set up offscreen (app.smoke.child); Qt's messages go to standard error."""
    qInstallMessageHandler(print_qt_message)
    from app.cli.checks import engine_options

    run = SmokeRun(args.theme, engine_options(args))
    try:
        return run.steps()
    finally:
        run.close()


def print_qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Every Qt message (warnings included) on standard error, where the parent counts it as unexpected."""
    if message not in OFFSCREEN_ONLY:
        print(f"Qt {kind.name}: {message}", file=sys.stderr, flush=True)


class SmokeRun:
    """The window and the temporary report folder, kept from one step to the next."""

    def __init__(self, theme_name: str | None, options: EngineOptions) -> None:
        self.theme_name, self.options = theme_name, options
        self.window: MainWindow | None = None
        self.folder = Path(tempfile.mkdtemp(prefix="aiwm-smoke-report-"))
        self.doctor: DoctorReport | None = None
        self.first_paint_age_s = 0.0  # this process's age when the window got its first paint event

    def steps(self) -> int:
        """Each step prints its line; the first failure ends the run with 1."""
        steps: list[tuple[str, Callable[[], None]]] = [
            ("samples", self._samples),
            ("dashboard", self._dashboard),
            ("pages", self._pages),
            ("doctor", self._doctor),
            ("report", self._report),
            ("cleanup", self._cleanup),
        ]
        if not run_step("first paint", self._first_paint, lambda: self.first_paint_age_s):
            return 1
        return 0 if all(run_step(name, step) for name, step in steps) else 1

    def _first_paint(self) -> None:
        self.window = open_window(self.theme_name, self.options)
        watch = PaintWatch(self.window)
        self.window.show()
        if not wait_until(lambda: watch.painted_at_age_s is not None, WAIT_FOR_PAINT_S):
            raise SmokeFailure(f"the window got no paint event within {WAIT_FOR_PAINT_S:g} s")
        self.first_paint_age_s = watch.painted_at_age_s or 0.0

    def _samples(self) -> None:
        window = self._window()
        if not wait_until(lambda: fewest_gpu_samples(window) >= MIN_GPU_SAMPLES, WAIT_FOR_SAMPLES_S):
            raise SmokeFailure(
                f"the dashboard had {fewest_gpu_samples(window)} samples of a GPU after {WAIT_FOR_SAMPLES_S:g} s,"
                f" not {MIN_GPU_SAMPLES}"
            )

    def _dashboard(self) -> None:
        window = self._window()
        window.redraw_now()
        QApplication.processEvents()
        check_painted(window.dashboard, "the dashboard")
        banner = window.simulated_banner
        if not (banner.isVisible() and banner.text().startswith(SIMULATED)):
            raise SmokeFailure("the SIMULATED banner is not shown above the dashboard")
        check_painted(banner, "the SIMULATED banner")
        if not visible_labels_saying(window.dashboard, "SIMULATED"):
            raise SmokeFailure("no GPU on the dashboard is labelled SIMULATED")

    def _pages(self) -> None:
        window = self._window()
        for row, page in enumerate(window.page_list):
            window.sidebar.setCurrentRow(row)
            QApplication.processEvents()
            check_painted(page.widget, f"the {page.title} page")
        window.sidebar.setCurrentRow(0)

    def _doctor(self) -> None:
        self.doctor = run_doctor(self._window().live.engine)

    def _report(self) -> None:
        from app.report.build import ReportOptions, build_report, write_report
        from app.ui.report_pdf import write_pdf

        window = self._window()
        document = build_report(window.live.engine, ReportOptions(), window.state.history, self.doctor)
        paths = report_paths(self.folder)
        for fmt, path in paths.items():
            write_report(document, fmt, path, write_pdf)
        check_report_files(paths, str(document["title"]), simulated=window.live.engine.simulated)

    def _cleanup(self) -> None:
        self.close()
        deadline = time.monotonic() + THREADS_END_S
        while (left := program_threads()) and time.monotonic() < deadline:
            time.sleep(0.05)
        if left:
            raise SmokeFailure(f"threads still running {THREADS_END_S:g} s after the window closed: {', '.join(left)}")
        if self.folder.exists():
            raise SmokeFailure(f"the report folder {self.folder} could not be removed")

    def _window(self) -> MainWindow:
        if self.window is None:
            raise SmokeFailure("the window is not open")
        return self.window

    def close(self) -> None:
        """Stop sampling, close the window, remove the report folder (also after a failed step)."""
        if self.window is not None:
            self.window.shutdown()
            self.window.close()
            self.window = None
        shutil.rmtree(self.folder, ignore_errors=True)


def program_threads() -> list[str]:
    """The names of this program's threads still running (sampler, sources, recorder, workers)."""
    return [t.name for t in threading.enumerate() if t.name.startswith("aiwm-") and t.is_alive()]


def run_step(name: str, step: Callable[[], None], elapsed_s: Callable[[], float] | None = None) -> bool:
    """Run one step and print its line, with its time from `elapsed_s()` or from the step's start."""
    began_s = time.perf_counter()
    try:
        step()
    except SmokeFailure as failure:
        print(failed_line(name, str(failure)), flush=True)
        return False
    except Exception as error:  # any failure is said as the step's one line, not a traceback
        print(failed_line(name, f"{type(error).__name__}: {error}"), flush=True)
        return False
    print(ok_line(name, elapsed_s() if elapsed_s is not None else time.perf_counter() - began_s), flush=True)
    return True


def open_window(theme_name: str | None, options: EngineOptions) -> MainWindow:
    """The program's main window, set up as `aiwm gui` does it, with sampling started (not yet shown)."""
    from app.core.sampling.live import LiveSession
    from app.core.settings import load_settings
    from app.ui import theme as themes

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("AI Workstation Manager")
    settings = load_settings()
    theme = themes.resolve(theme_name or settings.theme)
    themes.apply(app, theme)
    live = LiveSession(Engine(options), settings.alerts)
    window = MainWindow(live, settings, theme)
    window.resize(1920, 1080)
    live.start()
    return window


class PaintWatch(QObject):
    """Notes this process's age when `widget` gets its first paint event (an event filter on the
    paint itself, not a timer's guess)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.painted_at_age_s: float | None = None
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at_age_s is None:
            self.painted_at_age_s = process_age_s()
            watched.removeEventFilter(self)
        return False


def wait_until(done: Callable[[], bool], timeout_s: float) -> bool:
    """Run Qt's event loop until `done()` or `timeout_s` passed; returns `done()`."""
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if done() else None)
    give_up = QTimer()
    give_up.setSingleShot(True)
    give_up.timeout.connect(loop.quit)
    if not done():
        poll.start(POLL_MS)
        give_up.start(round(timeout_s * 1000))
        loop.exec()
        poll.stop()
        give_up.stop()
    return done()


def fewest_gpu_samples(window: MainWindow) -> int:
    """The number of samples the dashboard holds of its least-sampled GPU (0 without GPUs)."""
    counts = [
        len(window.state.history.series(f"gpu{gpu.index}.temperature_c", RECENT_WINDOW_S).times_s)
        for gpu in window.state.gpus
    ]
    return min(counts, default=0)


def check_painted(widget: QWidget, what: str) -> None:
    """`widget` is shown and draws more than a blank area: at least MIN_COLOURS colours in its picture."""
    if not widget.isVisible():
        raise SmokeFailure(f"{what} is not visible")
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    if image.isNull() or image.width() == 0 or image.height() == 0:
        raise SmokeFailure(f"{what} drew nothing (an empty picture)")
    colours = count_colours(bytes(image.constBits()), image.bytesPerLine(), image.width(), image.height())
    if colours < MIN_COLOURS:
        raise SmokeFailure(f"{what} looks blank: {colours} colours in its picture, fewer than {MIN_COLOURS}")


def count_colours(pixels: bytes, bytes_per_line: int, width: int, height: int) -> int:
    """Distinct pixels in a 32-bit picture, every 4th row and column, counted up to MIN_COLOURS."""
    seen: set[bytes] = set()
    for y in range(0, height, 4):
        row = pixels[y * bytes_per_line : y * bytes_per_line + width * 4]
        seen.update(row[x : x + 4] for x in range(0, len(row), 16))
        if len(seen) >= MIN_COLOURS:
            break
    return min(len(seen), MIN_COLOURS)


def visible_labels_saying(widget: QWidget, word: str) -> list[QLabel]:
    """The labels inside `widget` that are on screen and whose text contains `word`."""
    return [label for label in widget.findChildren(QLabel) if label.isVisible() and word in label.text()]
