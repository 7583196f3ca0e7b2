"""Export CSV from the window (Ctrl+E): a damaged session, a full disk or a bug end in a message, not silence."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.core.sampling.sample import Sample
from app.core.sessions.recorder import Recorder
from tests.core.fakes import CounterReading

T0 = 1_800_000_000.0


def _damaged_session(path: Path) -> None:
    """A session whose stored metrics hold a word where a number belongs (a disk error, a hand edit)."""
    recorder = Recorder(path, {"simulated": False}, commit_interval_s=0.05)
    for i in range(3):
        recorder.add_sample(Sample("cpu", 1.0, T0 + i, 0, 0, CounterReading("cpu", 10.0 + i)))
    recorder.close()
    with sqlite3.connect(path) as db:
        db.execute("""UPDATE samples SET metrics = '{"cpu.value": "garbled"}' WHERE id = 2""")
    db.close()


def _export_and_catch_message(qtbot, window, monkeypatch, source: Path, target: Path) -> str:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "app.ui.session_files.QMessageBox.warning", lambda _parent, title, text: shown.append((title, text))
    )
    window.files.export_session(source, target).join(10)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    ((title, text),) = shown
    assert title == "Cannot export"
    assert window.statusBar().currentMessage() == text, "the status bar no longer says 'Exporting …'"
    return text


def test_exporting_a_damaged_session_shows_why_and_writes_no_csv(qtbot, make_window, tmp_path, monkeypatch) -> None:
    session, target = tmp_path / "damaged.aiwm", tmp_path / "damaged.csv"
    _damaged_session(session)
    window = make_window(start=False)
    text = _export_and_catch_message(qtbot, window, monkeypatch, session, target)
    # Today the CSV writer trips over the word with a TypeError; whatever the reader raises, the user is told.
    assert text.startswith("Cannot export: ") and len(text) > len("Cannot export: ")
    # aiwm-home is the test's data folder (tests/conftest.py), which the window's Hosts page reads.
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "aiwm-home")
    assert not target.exists() and left == ["damaged.aiwm"], "no CSV, no temporary"


def test_a_full_disk_during_export_is_shown(qtbot, make_window, tmp_path, monkeypatch) -> None:
    def disk_full(source: Path, target: Path) -> tuple[int, int]:
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr("app.ui.session_files.export_csv", disk_full)
    window = make_window(start=False)
    text = _export_and_catch_message(qtbot, window, monkeypatch, tmp_path / "a.aiwm", tmp_path / "a.csv")
    assert text == f"Cannot export: No space left on device: {tmp_path / 'a.csv'}"


def test_an_unexpected_exception_during_export_is_shown(qtbot, make_window, tmp_path, monkeypatch) -> None:
    def broken(source: Path, target: Path) -> tuple[int, int]:
        raise Exception("a bug in the exporter")

    monkeypatch.setattr("app.ui.session_files.export_csv", broken)
    window = make_window(start=False)
    text = _export_and_catch_message(qtbot, window, monkeypatch, tmp_path / "a.aiwm", tmp_path / "a.csv")
    assert text == "Cannot export: unexpected error (Exception: a bug in the exporter); the details are in the log"
