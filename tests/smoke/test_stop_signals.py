"""SIGTERM and SIGHUP stop `aiwm --smoke-test` as Ctrl+C does: the child and whatever it started
are killed, the temporary folder is removed, and the exit status is 128 + the signal (143, 129).
Tested for real: a parent process, `kill -TERM` / `kill -HUP`, then no process and no folder left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from app.smoke.stopping import SmokeStopped, StopSignals, raising_on_stop_signals

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGTERM from another process and SIGHUP are POSIX")

ROOT = Path(__file__).parents[2]
WAIT_S = 60.0


def _wait_for(what: str, found: object, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(found) and found():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout_s:g} s")


def _running(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its new parent to reap it does not run)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _kill_left_over(pids: list[int]) -> None:
    """After a failed test, the processes a wrong implementation left running are killed here."""
    for pid in pids:
        if _running(pid):
            os.kill(pid, signal.SIGKILL)


def _smoke_folders(temporary: Path) -> list[Path]:
    return sorted(temporary.glob("aiwm-smoke-*"))


def _env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(TMPDIR=str(temporary), HOME=str(tmp_path), AIWM_HOME=str(tmp_path / "data"))
    return env, temporary


@pytest.mark.slow
def test_sigterm_stops_the_real_smoke_test_its_child_and_removes_the_folder(tmp_path: Path) -> None:
    env, temporary = _env(tmp_path)
    parent = subprocess.Popen(
        [sys.executable, "-m", "app", "--smoke-test"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    children: list[psutil.Process] = []
    try:

        def child_started() -> bool:
            children[:] = [p for p in psutil.Process(parent.pid).children() if "--smoke-child" in p.cmdline()]
            return bool(children) and bool(_smoke_folders(temporary))

        _wait_for("the smoke child's start", child_started)
        time.sleep(1.0)  # the child is importing Qt and opening its window
        parent.send_signal(signal.SIGTERM)
        _, stderr = parent.communicate(timeout=30)
        assert parent.returncode == 128 + signal.SIGTERM == 143
        assert stderr == "aiwm: SIGTERM received: the smoke test's child was stopped\n"
        _wait_for("the child's end", lambda: not _running(children[0].pid), 5.0)
        assert _smoke_folders(temporary) == []
    finally:
        if parent.poll() is None:
            parent.kill()
        _kill_left_over([child.pid for child in children])


FAKE_CHILD = """
import os, subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
with open(os.environ["PIDS_FILE"] + ".part", "w") as pids:
    pids.write(f"{os.getpid()} {grandchild.pid}")
os.rename(os.environ["PIDS_FILE"] + ".part", os.environ["PIDS_FILE"])
time.sleep(60)
"""

PARENT = """
import sys
from app.smoke.parent import run_smoke_test
sys.exit(run_smoke_test([sys.executable, "-c", sys.argv[1]]))
"""


def test_sighup_kills_the_child_and_what_it_started_and_exits_129(tmp_path: Path) -> None:
    env, temporary = _env(tmp_path)
    pids_file = tmp_path / "pids"
    env["PIDS_FILE"] = str(pids_file)
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, FAKE_CHILD], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    pids: list[int] = []
    try:
        _wait_for("the fake child's start", pids_file.exists, 30.0)
        pids += [int(pid) for pid in pids_file.read_text().split()]
        assert all(_running(pid) for pid in pids) and _smoke_folders(temporary)
        parent.send_signal(signal.SIGHUP)
        parent.communicate(timeout=30)
        assert parent.returncode == 128 + signal.SIGHUP == 129
        _wait_for("the child's and grandchild's end", lambda: not any(_running(pid) for pid in pids), 5.0)
        assert _smoke_folders(temporary) == []
    finally:
        if parent.poll() is None:
            parent.kill()
        _kill_left_over(pids)


def test_a_signal_while_the_child_starts_is_raised_once_it_can_be_killed() -> None:
    stops = StopSignals()
    with stops.starting():
        stops(signal.SIGTERM, None)  # held back: no exception inside the start
    with pytest.raises(SmokeStopped) as stopped:
        stops.started()
    assert (stopped.value.signum, stopped.value.name) == (signal.SIGTERM, "SIGTERM")


def test_a_signal_after_the_start_is_raised_at_once() -> None:
    stops = StopSignals()
    stops.started()
    with pytest.raises(SmokeStopped):
        stops(signal.SIGHUP, None)


def test_an_ignored_sighup_stays_ignored_and_handlers_come_back() -> None:
    """`nohup aiwm --smoke-test` must outlive the terminal; afterwards the old handlers are back."""
    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    term_before = signal.getsignal(signal.SIGTERM)
    try:
        with raising_on_stop_signals():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert isinstance(signal.getsignal(signal.SIGTERM), StopSignals)
        assert signal.getsignal(signal.SIGTERM) is term_before
    finally:
        signal.signal(signal.SIGHUP, before)
