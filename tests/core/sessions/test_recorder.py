"""Session files: written as samples arrive, readable after kill -9, never overwritten."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from app.core.errors import SessionFileError, UserError
from app.core.sampling.sample import Sample
from app.core.sessions.csv_export import export_csv
from app.core.sessions.reader import Session
from app.core.sessions.recorder import Recorder
from app.core.sessions.schema import SESSION_SCHEMA
from tests.core.fakes import CounterReading

T0 = 1_800_000_000.0


def _write(path: Path, n: int, metadata: dict | None = None) -> None:
    recorder = Recorder(path, metadata or {"simulated": False}, commit_interval_s=0.05)
    for i in range(n):
        recorder.add_sample(Sample("s", 1.0, T0 + i, 0.001, 0.001, CounterReading("s", float(i))))
    recorder.add_event(T0 + 1, "alert", "GPU 0 within 5 degC of slowdown")
    recorder.close()


def test_session_round_trip_keeps_metadata_samples_and_events(tmp_path: Path) -> None:
    path = tmp_path / "run.aiwm"
    _write(path, 5, {"simulated": True, "inventory": {"host": {"hostname": "box"}}})
    with Session(path) as session:
        assert session.meta["schema"] == SESSION_SCHEMA
        assert session.simulated
        assert session.meta["inventory"]["host"]["hostname"] == "box"
        samples = list(session.samples())
        assert [s.metrics["s.value"] for s in samples] == [0.0, 1.0, 2.0, 3.0, 4.0]
        assert samples[0].detail == {"name": "s", "value": 0.0}
        assert session.events() == [(T0 + 1, "alert", "GPU 0 within 5 degC of slowdown")]


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keep.aiwm"
    path.write_text("the user's notes")
    with pytest.raises(UserError, match="already exists"):
        Recorder(path, {})
    assert path.read_text() == "the user's notes"


@pytest.mark.parametrize("side", ["-wal", "-shm", "-journal"])
def test_a_side_file_left_by_an_old_recording_of_that_name_is_refused(side: str, tmp_path: Path) -> None:
    """SQLite would replay an old `-wal` into the new file; the user's old rows would be mixed in or lost."""
    old = tmp_path / f"run.aiwm{side}"
    old.write_bytes(b"rows of a crashed recording")
    with pytest.raises(UserError, match=f"run.aiwm{side} already exists"):
        Recorder(tmp_path / "run.aiwm", {})
    assert sorted(p.name for p in tmp_path.iterdir()) == [old.name]
    assert old.read_bytes() == b"rows of a crashed recording"


def test_an_unwritable_folder_fails_before_anything_is_sampled(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        Recorder(tmp_path / "missing" / "x.aiwm", {})


def test_a_truncated_session_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.aiwm"
    _write(path, 200)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(SessionFileError) as caught, Session(path) as session:
        list(session.samples())
    assert "\n" not in str(caught.value) and "cut.aiwm" in str(caught.value)


def test_a_file_that_is_not_sqlite_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n" * 100)
    with pytest.raises(SessionFileError, match="not a readable aiwm session file"):
        Session(path)


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('schema', '\"firefox.places/1\"')")
    with pytest.raises(SessionFileError, match="not an aiwm session file"):
        Session(path)


@pytest.mark.slow
def test_a_recorder_killed_with_sigkill_leaves_a_readable_file(tmp_path: Path) -> None:
    path = tmp_path / "killed.aiwm"
    command = [
        sys.executable,
        "-m",
        "app",
        "record",
        "--out",
        str(path),
        "--duration",
        "600",
        "--demo",
        "--interval",
        "0.25",
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_rows(path, minimum=8, timeout_s=20)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        process.kill()
        process.communicate()
    with Session(path) as session:
        samples = list(session.samples())
        assert session.simulated
    gpu = [s for s in samples if s.source == "gpu"]
    assert len(gpu) >= 2
    assert gpu[-1].metrics["gpu0.temperature_c"] is not None


def test_committed_rows_reach_the_aiwm_file_itself_at_each_checkpoint(tmp_path: Path) -> None:
    """Copied without its -wal while the recorder still runs, the .aiwm holds the rows of the last checkpoint."""
    path, alone = tmp_path / "live.aiwm", tmp_path / "copied" / "live.aiwm"
    alone.parent.mkdir()
    recorder = Recorder(path, {"simulated": False}, commit_interval_s=0.05, checkpoint_interval_s=0.2)
    try:
        for i in range(6):
            recorder.add_sample(Sample("s", 1.0, T0 + i, 0, 0, CounterReading("s", float(i))))
        time.sleep(1.0)  # five checkpoint intervals
        shutil.copyfile(path, alone)
    finally:
        recorder.close()
    with Session(alone) as session:
        assert [s.metrics["s.value"] for s in session.samples()] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


@pytest.mark.slow
def test_after_kill_9_the_aiwm_file_alone_holds_all_but_the_last_seconds(tmp_path: Path) -> None:
    """A user who copies only `x.aiwm` (not `x.aiwm-wal`) after a crash still has the recording.

    The recorder moves committed rows into the .aiwm file every 10 s, so of a recording killed
    about 14 s in, the .aiwm file alone holds the rows up to the checkpoint near 10 s: at most the
    last 10 s (checkpoint) + 1 s (commit) + 1 s (slack for a loaded machine) are missing.
    """
    path, alone = tmp_path / "killed.aiwm", tmp_path / "copied" / "killed.aiwm"
    alone.parent.mkdir()
    command = [sys.executable, "-m", "app", "record", "--out", str(path), "--duration", "600", "--demo"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_rows(path, minimum=1, timeout_s=20)
        time.sleep(14)
        killed_at = time.time()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        process.kill()
        process.communicate()
    assert path.with_name("killed.aiwm-wal").exists(), "a killed recorder leaves its -wal"
    shutil.copyfile(path, alone)
    export_csv(alone, tmp_path / "alone.csv")
    with (tmp_path / "alone.csv").open(newline="") as handle:
        times = [datetime.fromisoformat(row["time"]).timestamp() for row in csv.DictReader(handle)]
    missing_s = killed_at - times[-1] if times else float("inf")
    print(f"kill -9 after 14 s: the .aiwm alone holds {len(times)} rows, missing the last {missing_s:.1f} s")
    assert missing_s <= 12.0
    assert times[-1] - times[0] >= 1.0


def _wait_for_rows(path: Path, minimum: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists():
            try:
                with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                    if db.execute("SELECT count(*) FROM samples WHERE source = 'gpu'").fetchone()[0] >= minimum:
                        return
            except sqlite3.Error:
                pass
        time.sleep(0.1)
    raise AssertionError(f"{path} did not get {minimum} GPU samples within {timeout_s} s")


def test_a_full_disk_is_kept_as_the_failure_and_the_rows_committed_before_it_stay_readable(tmp_path: Path) -> None:
    """SQLite's page limit gives the same SQLITE_FULL error as a full file system, without needing one."""
    path = tmp_path / "full.aiwm"
    recorder = Recorder(path, {"simulated": False}, commit_interval_s=0.05)
    recorder.add_sample(Sample("s", 1.0, T0, 0, 0, CounterReading("s", 0.0)))
    deadline = time.monotonic() + 10
    while recorder.rows_written < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    pages = recorder._db.execute("PRAGMA page_count").fetchone()[0]
    recorder._db.execute(f"PRAGMA max_page_count = {pages}")  # the "disk" is full from here on
    for i in range(1, 200):  # far more than the pages left hold
        recorder.add_sample(Sample("s", 1.0, T0 + i, 0, 0, CounterReading("s" * 2000, float(i))))
    recorder.close()
    assert recorder.failure == "database or disk is full"
    assert recorder.rows_written == 1
    with Session(path) as session:
        assert [s.metrics["s.value"] for s in session.samples()] == [0.0]
