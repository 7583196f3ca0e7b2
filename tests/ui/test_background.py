"""Work on a worker thread: every way it can fail comes back to the GUI thread as a message and is logged."""

from __future__ import annotations

import logging
import threading

import pytest

from app.core.errors import UserError
from app.ui.background import BackgroundTask


def _fail_with(error: BaseException):
    def work() -> object:
        raise error

    return work


def _run_until_failed(qtbot, work) -> tuple[str, str]:
    """Run `work`; the failure message and the thread that delivered it."""
    task = BackgroundTask("test-task")
    delivered: list[str] = []
    task.failed.connect(lambda _message: delivered.append(threading.current_thread().name))
    with qtbot.waitSignal(task.failed, timeout=5000) as failure:
        task.run(work)
    task.wait()
    return failure.args[0], delivered[0]


def test_a_disk_error_in_the_work_reaches_the_gui_thread_as_a_message_and_is_logged(qtbot, caplog) -> None:
    full = OSError(28, "No space left on device", "/data/out.csv")
    with caplog.at_level(logging.WARNING, logger="app.ui.background"):
        message, thread = _run_until_failed(qtbot, _fail_with(full))
    assert message == "No space left on device: /data/out.csv"
    assert thread == threading.main_thread().name, "delivered on the GUI thread"
    assert [r.getMessage() for r in caplog.records] == [
        "test-task: [Errno 28] No space left on device: '/data/out.csv'"
    ]


def test_an_unexpected_exception_in_the_work_is_a_message_and_its_traceback_is_logged(qtbot, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="app.ui.background"):
        message, thread = _run_until_failed(qtbot, _fail_with(Exception("boom")))
    assert message == "unexpected error (Exception: boom); the details are in the log"
    assert thread == threading.main_thread().name
    (record,) = caplog.records
    assert record.levelno == logging.ERROR and record.getMessage() == "test-task failed"
    assert record.exc_info is not None and str(record.exc_info[1]) == "boom", "the traceback is logged"


def test_a_user_error_in_the_work_is_its_own_message(qtbot, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="app.ui.background"):
        message, _ = _run_until_failed(qtbot, _fail_with(UserError("out.csv already exists")))
    assert message == "out.csv already exists"
    assert [r.getMessage() for r in caplog.records] == ["test-task: out.csv already exists"]


@pytest.mark.parametrize("error", [OSError(5, "Input/output error"), TypeError("unsupported operand")])
def test_work_that_fails_never_finishes(qtbot, error: Exception) -> None:
    task = BackgroundTask("test-task")
    finished: list[object] = []
    task.finished.connect(finished.append)
    with qtbot.waitSignal(task.failed, timeout=5000):
        task.run(_fail_with(error))
    task.wait()
    assert finished == [] and not task.busy
