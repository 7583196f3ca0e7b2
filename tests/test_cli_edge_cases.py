"""What a second new-user trial broke: empty exports, exporting onto itself, folders, closed
standard output, nohup, and a session file whose creation failed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli import main
from app.core.errors import UserError
from app.core.sessions import recorder as recorder_module
from app.core.sessions.recorder import Recorder


def _empty_session(path: Path) -> Path:
    Recorder(path, {"simulated": False}).close()
    return path


def test_a_session_without_readings_is_one_line_and_no_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session, out = _empty_session(tmp_path / "e.aiwm"), tmp_path / "e.csv"
    assert main(["export", str(session), "--csv", str(out)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("aiwm: error: ") and "holds no readings" in line and "e.aiwm-wal" in line
    assert not out.exists(), "no CSV with a header and nothing else"


def test_exporting_a_session_onto_itself_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = _empty_session(tmp_path / "s.aiwm")
    before = session.read_bytes()
    assert main(["export", str(session), "--csv", str(tmp_path / "." / "s.aiwm")]) == 2
    assert "is the session file itself" in capsys.readouterr().err
    assert session.read_bytes() == before


def test_a_folder_is_not_a_session_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(tmp_path), "--csv", str(tmp_path / "x.csv")]) == 2
    assert "is a folder, not a session file" in capsys.readouterr().err


def test_another_programs_database_gets_no_hint_about_a_wal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    assert main(["export", str(other), "--csv", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "not a readable aiwm session file" in err and "-wal" not in err


@pytest.mark.parametrize("command", ["metrics", "snapshot --demo"])
def test_a_closed_standard_output_is_one_line_and_exit_2(command: str) -> None:
    done = subprocess.run(
        f"{sys.executable} -m app {command} >&-", shell=True, capture_output=False, stderr=subprocess.PIPE, text=True
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["aiwm: error: cannot write standard output: it is closed"]


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="this system has no SIGHUP (Windows)")
def test_under_nohup_a_hangup_does_not_stop_the_recording(tmp_path: Path) -> None:
    """nohup sets SIGHUP to ignored before starting the program; the recording must run to its end."""
    out = tmp_path / "nohup.aiwm"
    child = subprocess.Popen(
        [sys.executable, "-m", "app", "record", "--out", str(out), "--duration", "2", "--demo"],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # what nohup does
        env={**os.environ},
    )
    time.sleep(1.0)
    child.send_signal(signal.SIGHUP)
    _, stderr = child.communicate(timeout=30)
    assert child.returncode == 0, stderr
    assert "stopped early" not in stderr and "wrote" in stderr


def test_a_session_file_whose_set_up_failed_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while creating the tables: the half-made file must not block a retry."""
    monkeypatch.setattr(recorder_module, "_CREATE", "CREATE TABLE meta (key TEXT); THIS IS NOT SQL;")
    path = tmp_path / "r.aiwm"
    with pytest.raises(UserError, match="cannot create session file"):
        Recorder(path, {"simulated": False})
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="this system has no SIGHUP (Windows)")
def test_a_hangup_that_took_the_terminal_with_it_still_exits_129_with_the_file_closed(tmp_path: Path) -> None:
    """A closed SSH session: stderr's reader is gone, then SIGHUP arrives. The status lines are lost;
    the exit status and the session file are not."""
    out = tmp_path / "gone.aiwm"
    child = subprocess.Popen(
        [sys.executable, "-m", "app", "record", "--out", str(out), "--duration", "30", "--demo"],
        stderr=subprocess.PIPE,
    )
    assert child.stderr is not None
    child.stderr.close()  # the terminal is gone
    time.sleep(1.5)
    child.send_signal(signal.SIGHUP)
    assert child.wait(30) == 129
    assert not out.with_name(out.name + "-wal").exists(), "closed cleanly"
    assert main(["export", str(out), "--csv", str(tmp_path / "gone.csv")]) == 0


@pytest.mark.parametrize("args", ["--version", "--help", "snapshot --help"])
def test_help_and_version_into_a_full_disk_are_one_line_and_exit_2(args: str) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "app", *args.split()], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60
        )
    assert (done.returncode, done.stderr) == (2, "aiwm: error: cannot write standard output: No space left on device\n")


def test_help_to_a_reader_that_left_ends_quietly() -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "app", "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    stderr = child.stderr.read()
    child.stderr.close()
    assert (child.wait(60), stderr) == (141, "")
