"""The child's Qt parts: Qt messages reach standard error, a blank page fails, steps print one line."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.core.engine import EngineOptions
from app.smoke.checks import SmokeFailure
from app.smoke.clock import process_age_s
from app.ui import smoke
from app.ui.smoke import PaintWatch, SmokeRun, check_painted, count_colours, run_step, wait_until


def test_every_qt_message_goes_to_standard_error_except_the_offscreen_platforms_own() -> None:
    code = (
        "from PySide6.QtCore import qInstallMessageHandler, qWarning, qCritical\n"
        "from app.ui.smoke import print_qt_message\n"
        "qInstallMessageHandler(print_qt_message)\n"
        "qWarning('QPainter::begin: planted')\n"
        "qWarning('This plugin does not support propagateSizeHints()')\n"
        "qCritical('planted critical')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "Qt QtWarningMsg: QPainter::begin: planted",
        "Qt QtCriticalMsg: planted critical",
    ]


def _pixels(colours: list[bytes], width: int, height: int) -> bytes:
    """A width x height picture, 4 bytes a pixel, pixel i of each row coloured colours[i % len]."""
    row = b"".join(colours[x % len(colours)] for x in range(width))
    return row * height


def test_colours_are_counted_on_every_fourth_row_and_column() -> None:
    assert count_colours(_pixels([b"\xff\xff\xff\xff"], 64, 64), 256, 64, 64) == 1
    # 4 colours in columns 0-3, repeating: every 4th column lands on the first colour only
    assert count_colours(_pixels([bytes([i, 0, 0, 255]) for i in range(4)], 64, 64), 256, 64, 64) == 1
    # 8 colours repeating: columns 0, 4, 8, … see colours 0 and 4
    assert count_colours(_pixels([bytes([i, 0, 0, 255]) for i in range(8)], 64, 64), 256, 64, 64) == 2
    many = _pixels([bytes([i, i, 0, 255]) for i in range(256)], 256, 8)
    assert count_colours(many, 1024, 256, 8) == 16  # counting stops at MIN_COLOURS


def test_a_blank_widget_fails_and_a_drawn_one_passes(qtbot) -> None:
    blank = QWidget()
    blank.setStyleSheet("background: #20304a;")
    blank.setAutoFillBackground(True)
    blank.resize(400, 300)
    qtbot.addWidget(blank)
    blank.show()
    qtbot.waitExposed(blank)
    with pytest.raises(SmokeFailure, match=r"the blank page looks blank: 1 colours"):
        check_painted(blank, "the blank page")
    drawn = QWidget()
    column = QVBoxLayout(drawn)
    for text in ("GPU 0: NVIDIA GeForce RTX 4090 SIMULATED", "Temperature 45.0 °C", "Power 120.5 W of 450 W"):
        column.addWidget(QLabel(text))
    qtbot.addWidget(drawn)
    drawn.show()
    qtbot.waitExposed(drawn)
    check_painted(drawn, "the drawn page")


def test_a_hidden_widget_fails_as_not_visible(qtbot) -> None:
    hidden = QLabel("SIMULATED")
    qtbot.addWidget(hidden)
    with pytest.raises(SmokeFailure, match="the banner is not visible"):
        check_painted(hidden, "the banner")


def test_the_paint_watch_notes_the_processs_age_at_the_first_paint(qtbot) -> None:
    widget = QLabel("first paint")
    qtbot.addWidget(widget)
    watch = PaintWatch(widget)
    assert watch.painted_at_age_s is None  # nothing painted before it is shown
    before_s = process_age_s()
    widget.show()
    assert wait_until(lambda: watch.painted_at_age_s is not None, 10.0)
    assert watch.painted_at_age_s is not None
    assert before_s <= watch.painted_at_age_s <= process_age_s()


def test_a_step_prints_one_ok_line_with_its_time(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_step("report", lambda: None, elapsed_s=lambda: 1.2345)
    assert run_step("cleanup", lambda: None)
    assert capsys.readouterr().out.splitlines() == ["smoke: report ok (1234 ms)", "smoke: cleanup ok (0 ms)"]


def test_a_failing_step_prints_one_failed_line_and_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    def broken() -> None:
        raise SmokeFailure("the PDF report does not start with %PDF-")

    def crashing() -> None:
        raise KeyError("gpu0.temperature_c")

    assert not run_step("report", broken)
    assert not run_step("samples", crashing)
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "smoke: report FAILED: the PDF report does not start with %PDF-",
        "smoke: samples FAILED: KeyError: 'gpu0.temperature_c'",
    ]
    assert captured.err == ""


def _thread_for(seconds: float) -> threading.Thread:
    thread = threading.Thread(target=time.sleep, args=(seconds,), name="aiwm-source-planted", daemon=True)
    thread.start()
    return thread


def test_cleanup_waits_for_a_thread_that_ends_soon_and_removes_the_report_folder() -> None:
    run = SmokeRun(None, EngineOptions(demo=""))
    (run.folder / "report.json").write_text("{}")
    thread = _thread_for(0.3)
    run_step("cleanup", run._cleanup)
    assert not thread.is_alive()
    assert not run.folder.exists()


def test_cleanup_fails_naming_a_thread_that_keeps_running(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(smoke, "THREADS_END_S", 0.2)
    run = SmokeRun(None, EngineOptions(demo=""))
    thread = _thread_for(1.0)
    assert not run_step("cleanup", run._cleanup)
    assert capsys.readouterr().out == (
        "smoke: cleanup FAILED: threads still running 0.2 s after the window closed: aiwm-source-planted\n"
    )
    thread.join()
