"""Reading a session never writes: no -wal/-shm left, read-only files and folders work, crash rows seen."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import SessionFileError
from app.core.records import CpuReading
from app.core.sampling.sample import Sample
from app.core.sessions.csv_export import export_csv
from app.core.sessions.reader import Session
from app.core.sessions.recorder import Recorder
from app.core.sessions.replay import load_replay
from tests.core.fakes import CounterReading

T0 = 1_800_000_000.0
NOBODY = 65534


def _write(path: Path, n: int) -> None:
    recorder = Recorder(path, {"simulated": False}, commit_interval_s=0.05)
    for i in range(n):
        recorder.add_sample(Sample("s", 1.0, T0 + i, 0.001, 0.001, CounterReading("s", float(i))))
    recorder.add_event(T0 + 1, "alert", "note")
    recorder.close()


def _state(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Name → (mode, size, mtime) of everything in `folder`, and the folder's own mtime."""
    entries = {p.name: p.lstat() for p in folder.iterdir()}
    entries["."] = folder.lstat()
    return {name: (s.st_mode, s.st_size, s.st_mtime_ns) for name, s in entries.items()}


@pytest.fixture
def read_only_session(tmp_path: Path) -> Iterator[Path]:
    """A closed session, read-only, in a read-only folder (root ignores the bits, so tests also compare states)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "run.aiwm"
    _write(path, 5)
    path.chmod(0o444)
    folder.chmod(0o555)
    yield path
    folder.chmod(0o755)


def test_reading_replaying_and_exporting_a_closed_session_change_nothing_in_its_folder(
    read_only_session: Path, tmp_path: Path
) -> None:
    folder = read_only_session.parent
    before = _state(folder)
    with Session(read_only_session) as session:
        assert [s.metrics["s.value"] for s in session.samples()] == [0.0, 1.0, 2.0, 3.0, 4.0]
        assert session.events() == [(T0 + 1, "alert", "note")]
        assert _state(folder) == before, "an open reader must not create -wal/-shm files"
    replay = load_replay(read_only_session)
    assert (replay.start_s, replay.end_s) == (T0, T0 + 4)
    assert export_csv(read_only_session, tmp_path / "out.csv") == (5, 1)
    assert _state(folder) == before


def _write_crash_image(path: Path, n: int) -> None:
    """`path` and its `-wal` as `kill -9` of a recording leaves them: the committed rows only in the -wal."""
    live = path.parent / "live" / path.name
    live.parent.mkdir()
    recorder = Recorder(live, {"simulated": False}, commit_interval_s=0.05, checkpoint_interval_s=3600)
    try:
        for i in range(n):
            recorder.add_sample(Sample("s", 1.0, T0 + i, 0, 0, CounterReading("s", float(i))))
        deadline = time.monotonic() + 10
        while recorder.rows_written < n and time.monotonic() < deadline:
            time.sleep(0.02)
        shutil.copyfile(live, path)
        shutil.copyfile(live.with_name(live.name + "-wal"), path.with_name(path.name + "-wal"))
    finally:
        recorder.close()
        shutil.rmtree(live.parent)
    assert path.with_name(path.name + "-wal").stat().st_size > 0


REPLAY_AS_NOBODY = (
    "import sys; from pathlib import Path; from app.core.sessions.replay import load_replay; "
    "r = load_replay(Path(sys.argv[1])); print(r.end_s - r.start_s)"
)


@pytest.mark.parametrize("crashed", [False, True], ids=["closed session", "crashed session with -wal"])
def test_another_user_can_export_and_replay_a_session_in_a_read_only_folder(crashed: bool) -> None:
    """Runs as uid 65534 (nobody), for whom read-only bits really hold (root ignores them)."""
    top = Path(tempfile.mkdtemp(prefix="aiwm-ro-"))
    try:
        top.chmod(0o755)
        folder = top / "sessions"
        folder.mkdir()
        path = folder / "run.aiwm"
        if crashed:
            _write_crash_image(path, 5)
        else:
            _write(path, 5)
        for file in folder.iterdir():
            file.chmod(0o444)
        folder.chmod(0o555)
        before = _state(folder)
        as_nobody = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        if shutil.which("setpriv") is None or subprocess.run([*as_nobody, "true"], check=False).returncode != 0:
            pytest.skip("setpriv cannot switch to an unprivileged user here; the root-run tests still apply")
        readable = [*as_nobody, sys.executable, "-c", "import app"]
        if subprocess.run(readable, check=False, capture_output=True, cwd=str(top)).returncode != 0:
            # a checkout inside a 0700 folder (mktemp -d) is closed to other users: nothing to test then
            pytest.skip(
                f"user {NOBODY} cannot read this checkout ({Path(__file__).parents[3]}); clone it where others can"
            )
        export = _run([*as_nobody, sys.executable, "-m", "app", "export", str(path), "--csv", "-"])
        assert export.stdout.splitlines()[1:3] == ["2027-01-15T08:00:00.000Z,0", "2027-01-15T08:00:01.000Z,1"]
        assert len(export.stdout.splitlines()) == 6
        replay = _run([*as_nobody, sys.executable, "-c", REPLAY_AS_NOBODY, str(path)])
        assert replay.stdout.strip() == "4.0"
        assert _state(folder) == before
    finally:
        for p in (top, top / "sessions"):
            if p.exists():
                p.chmod(0o755)
        shutil.rmtree(top)


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd="/", env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done


def test_a_crashed_sessions_rows_in_its_wal_are_read_without_touching_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    crashed = tmp_path / "crash" / "run.aiwm"
    crashed.parent.mkdir()
    _write_crash_image(crashed, 7)
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    before = _state(crashed.parent)
    with Session(crashed) as session:
        assert [s.metrics["s.value"] for s in session.samples()] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert _state(crashed.parent) == before
    assert list(private_tmp.iterdir()) == [], "the private copy is removed"


def test_a_session_whose_name_looks_like_a_uri_query_is_read(tmp_path: Path) -> None:
    path = tmp_path / "run #1?mode=rw%20.aiwm"
    _write(path, 3)
    with Session(path) as session:
        assert len(list(session.samples())) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def _damaged(path: Path, metrics: str) -> Path:
    """A good session whose every `samples.metrics` is replaced by `metrics` (valid JSON of the wrong shape)."""
    _write(path, 3)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE samples SET metrics = ?", (metrics,))
    db.close()
    return path


@pytest.mark.parametrize(
    ("metrics", "why"),
    [
        ("[1, 2]", "metrics is list [1, 2], not an object of numbers"),
        ('{"gpu0.temperature_c": "hot"}', "metric gpu0.temperature_c is 'hot', not a number"),
        ("7", "metrics is int 7, not an object of numbers"),
    ],
)
def test_metrics_of_the_wrong_shape_are_a_damaged_session_in_export_and_replay(
    tmp_path: Path, metrics: str, why: str
) -> None:
    path = _damaged(tmp_path / "bad.aiwm", metrics)
    expected = f"{path}: session file is damaged ({why})"
    with pytest.raises(SessionFileError) as exported:
        export_csv(path, tmp_path / "bad.csv")
    assert str(exported.value) == expected
    assert not (tmp_path / "bad.csv").exists()
    with pytest.raises(SessionFileError) as replayed:
        load_replay(path)
    assert str(replayed.value) == expected


def test_a_session_copied_without_its_wal_before_the_first_checkpoint_says_where_its_data_is(tmp_path: Path) -> None:
    """What an old recorder left in its first 10 s: the tables and meta only in the -wal."""
    path, alone = tmp_path / "k.aiwm", tmp_path / "copied" / "k.aiwm"
    alone.parent.mkdir()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.commit()
    shutil.copyfile(path, alone)
    db.close()
    with pytest.raises(SessionFileError) as error:
        Session(alone)
    assert str(error.value) == (
        f"{alone}: not a readable aiwm session file (no such table: meta); its data may be in k.aiwm-wal:"
        " copy that file along"
    )


def test_a_recording_copied_without_its_wal_in_its_first_seconds_is_a_session_with_its_meta(tmp_path: Path) -> None:
    """The recorder puts schema and meta in the .aiwm file when it makes it (the user copied it after 6 s)."""
    path, alone = tmp_path / "k.aiwm", tmp_path / "copied" / "k.aiwm"
    alone.parent.mkdir()
    recorder = Recorder(path, {"simulated": True}, commit_interval_s=0.05)
    try:
        recorder.add_sample(Sample("s", 1.0, T0, 0, 0, CounterReading("s", 1.0)))
        time.sleep(0.3)  # committed to the -wal, long before the 10 s checkpoint
        shutil.copyfile(path, alone)
    finally:
        recorder.close()
    with Session(alone) as session:
        assert session.simulated and session.meta["schema"] == "aiwm.session/1"
    with pytest.raises(SessionFileError) as error:
        load_replay(alone)
    assert str(error.value) == (
        f"{alone}: the session holds no readings; its data may be in k.aiwm-wal: copy that file along"
    )


def test_a_detail_that_is_not_an_object_is_a_damaged_session_in_replay(tmp_path: Path) -> None:
    path = tmp_path / "bad.aiwm"
    _write(path, 3)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE samples SET detail = '[1, 2]'")
    db.close()
    with pytest.raises(SessionFileError) as replayed:
        load_replay(path)
    assert str(replayed.value) == f"{path}: session file is damaged (detail is list [1, 2], not an object)"


def test_a_detail_field_of_the_wrong_type_replays_as_a_missing_reading(tmp_path: Path) -> None:
    """A word where the CPU's use belongs: that reading is missing, the rest of the session replays."""
    path = tmp_path / "odd.aiwm"
    recorder = Recorder(path, {"simulated": False}, commit_interval_s=0.05)
    for i, util in enumerate((10.0, 20.0)):
        detail = CpuReading(util, (util,), 3000.0, 0.5, None)
        recorder.add_sample(Sample("cpu", 1.0, T0 + i, 0, 0, detail))
    recorder.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE samples SET detail = json_set(detail, '$.util_percent', 'hot') WHERE tick_wall_s = ?", (T0,))
    db.close()
    replay = load_replay(path)
    assert replay.state.history.series("cpu.util_percent", 3600).values.tolist() == [20.0]
