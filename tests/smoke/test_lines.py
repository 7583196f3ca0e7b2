"""Which lines of the child's output are its own step lines, and which fail the smoke test."""

from __future__ import annotations

import pytest

from app.smoke.lines import (
    CHILD_STEPS,
    failed_line,
    failed_steps,
    is_step_line,
    missing_steps,
    ok_line,
    step_seconds,
    unexpected_lines,
)

GOOD = ["smoke: first paint ok (1389 ms)", "smoke: samples ok (0 ms)", "smoke: report FAILED: the PDF is empty"]


def test_the_childs_own_step_lines_are_expected() -> None:
    assert unexpected_lines(GOOD, []) == []


# Lines recorded from real programs (Python 3.11, PySide6 6.11 on the offscreen platform), and
# near misses of the step line that a sloppy pattern would let through.
STRAY_STDOUT = [
    pytest.param("/usr/lib/python3/dist-packages/pyqtgraph/x.py:12: DeprecationWarning: use y", id="python-warning"),
    pytest.param("Traceback (most recent call last):", id="traceback-head"),
    pytest.param('  File "/opt/aiwm/app/ui/smoke.py", line 40, in run', id="traceback-frame"),
    pytest.param("AttributeError: 'Series' object has no attribute 'times'", id="traceback-error"),
    pytest.param("", id="empty-line"),
    pytest.param("   ", id="blank-line"),
    pytest.param("debug: 42", id="stray-print"),
    pytest.param("smoke: first paint ok (1389 ms) and more", id="step-line-with-a-tail"),
    pytest.param("smoke: first paint ok", id="ok-without-time"),
    pytest.param("smoke: first paint ok (1.5 ms)", id="fractional-ms"),
    pytest.param("smoke: first paint ok (-3 ms)", id="negative-ms"),
    pytest.param(" smoke: samples ok (3 ms)", id="leading-space"),
    pytest.param("smoke: samples ok (3 ms) ", id="trailing-space"),
    pytest.param("Smoke: samples ok (3 ms)", id="capital"),
    pytest.param("smoke: samples FAILED: ", id="failed-without-reason"),
    pytest.param("smoke: ok (3 ms)", id="no-step-name"),
]


@pytest.mark.parametrize("line", STRAY_STDOUT)
def test_any_other_line_on_standard_output_is_unexpected(line: str) -> None:
    assert unexpected_lines([*GOOD[:1], line, *GOOD[1:]], []) == [f"stdout: {line}"]


@pytest.mark.parametrize(
    "line",
    [
        "Qt QtWarningMsg: QPainter::begin: Paint device returned engine == 0, type: 3",
        "qt.qpa.fonts: Populating font family aliases took 212 ms. Replace uses of missing font family",
        "<frozen importlib._bootstrap>:241: RuntimeWarning: numpy.ndarray size changed",
        "smoke: first paint ok (12 ms)",  # even a step line: the child prints those on stdout only
        "",
    ],
)
def test_every_line_on_standard_error_is_unexpected(line: str) -> None:
    assert unexpected_lines(GOOD, [line]) == [f"stderr: {line}"]


def test_unexpected_lines_keep_their_order_stdout_first() -> None:
    assert unexpected_lines(["a", GOOD[0], "b"], ["c", "d"]) == ["stdout: a", "stdout: b", "stderr: c", "stderr: d"]


def test_the_writers_make_lines_the_checker_accepts() -> None:
    assert ok_line("first paint", 1.3894) == "smoke: first paint ok (1389 ms)"
    assert ok_line("cleanup", 0.0004) == "smoke: cleanup ok (0 ms)"
    assert failed_line("report", "no PDF\nwritten") == "smoke: report FAILED: no PDF written"
    assert failed_line("report", " ") == "smoke: report FAILED: no reason given"
    assert all(is_step_line(line) for line in (ok_line("pages", 2.5), failed_line("doctor", "\n")))


def test_step_times_are_read_in_seconds_and_failed_steps_are_named() -> None:
    lines = ["smoke: first paint ok (1389 ms)", "stray", "smoke: samples ok (2 ms)", "smoke: doctor FAILED: x (3 ms)"]
    assert step_seconds(lines) == {"first paint": 1.389, "samples": 0.002}
    assert failed_steps(lines) == ["doctor"]


def test_missing_steps_are_the_ones_without_an_ok_line_in_order() -> None:
    assert CHILD_STEPS[:2] == ("first paint", "samples")
    passed = {step: 0.1 for step in CHILD_STEPS if step not in ("samples", "report")}
    assert missing_steps(passed) == ["samples", "report"]
    assert missing_steps({step: 0.1 for step in CHILD_STEPS}) == []
