"""Ctrl+C (SIGINT), SIGTERM and SIGHUP close the real window: sampling stops, a recording is saved whole.

Each case runs `aiwm gui --demo` in its own process on the offscreen platform, with a recording
started the way the Record button starts one, and sends it the signal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.sessions.csv_export import export_csv
from app.core.sessions.reader import Session

RECORDING_WINDOW = """
import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from app.cli import main
from app.ui import main_window


class RecordingWindow(main_window.MainWindow):
    def __init__(self, *args):
        super().__init__(*args)
        self.files.start_recording(Path(sys.argv[1]))
        QTimer.singleShot(0, lambda: print("window up", file=sys.stderr, flush=True))


main_window.MainWindow = RecordingWindow
sys.exit(main(["gui", "--demo"]))
"""
STARTUP_TIMEOUT_S = 60.0  # the machine is shared: PySide6 and pyqtgraph can take a while to import
EXIT_TIMEOUT_S = 5.0


def _start_recording_window(tmp_path: Path, session: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AIWM_HOME": str(tmp_path / "home")}
    window = subprocess.Popen(
        [sys.executable, "-c", RECORDING_WINDOW, str(session)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=Path(__file__).parents[2],
    )
    assert window.stderr is not None
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    for line in window.stderr:
        if line.strip() == "window up" or time.monotonic() > deadline:
            break
    return window


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "status"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
    ids=["INT", "TERM", "HUP"],
)
def test_a_quit_signal_closes_the_window_and_saves_the_recording(tmp_path: Path, signum: int, status: int) -> None:
    session = tmp_path / "running.aiwm"
    window = _start_recording_window(tmp_path, session)
    try:
        assert window.poll() is None, "the window is up and running"
        time.sleep(2.5)  # a few samples into the recording
        sent = time.monotonic()
        window.send_signal(signum)
        with contextlib.suppress(subprocess.TimeoutExpired):  # still running: the status check below says so
            window.wait(EXIT_TIMEOUT_S)
        took_s = time.monotonic() - sent
    finally:
        if window.poll() is None:
            window.kill()
            window.wait()
    assert window.stderr is not None
    with window.stderr:
        stderr = window.stderr.read()
    assert window.returncode == status, stderr
    assert took_s < EXIT_TIMEOUT_S
    assert f"aiwm: {signal.Signals(signum).name} received: closing the window; saving the recording {session}" in stderr
    assert "Traceback" not in stderr, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "running.aiwm"], "closed: no -wal or -shm left"
    with Session(session) as recorded:
        assert recorded.simulated
        assert sum(1 for s in recorded.samples() if s.source == "gpu") >= 2
    rows, columns = export_csv(session, tmp_path / "running.csv")
    assert rows >= 2 and columns > 10
