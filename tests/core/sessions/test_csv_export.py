"""CSV export: one row per tick, ISO-8601 UTC time, metric columns with units, SIMULATED marked."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.core.errors import SessionFileError
from app.core.sampling.sample import Sample
from app.core.sessions.csv_export import export_csv
from app.core.sessions.recorder import Recorder
from tests.core.fakes import CounterReading

T0 = 1_800_000_000.0  # 2027-01-15T08:00:00Z


def _session(path: Path, simulated: bool = False) -> None:
    recorder = Recorder(path, {"simulated": simulated}, commit_interval_s=0.05)
    for i in range(4):
        recorder.add_sample(Sample("cpu", 1.0, T0 + i, 0, 0, CounterReading("cpu", 10.0 + i)))
        recorder.add_sample(Sample("gpu", 1.0, T0 + i, 0, 0, CounterReading("gpu0", 50.5 + i)))
    recorder.add_sample(Sample("smart", 60.0, T0, 0, 0, CounterReading("smart", 3.0)))
    recorder.add_sample(Sample("gpu", 1.0, T0 + 4, 0, 0, None, error="GPU is lost"))
    recorder.close()


def test_csv_round_trip_merges_sources_per_tick(tmp_path: Path) -> None:
    session, out = tmp_path / "s.aiwm", tmp_path / "s.csv"
    _session(session)
    rows, columns = export_csv(session, out)
    with out.open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert (rows, columns) == (5, 3)
    assert list(table[0]) == ["time", "cpu.value", "gpu0.value", "smart.value"]
    assert table[0]["time"] == "2027-01-15T08:00:00.000Z"
    assert [float(r["cpu.value"]) for r in table[:4]] == [10.0, 11.0, 12.0, 13.0]
    assert [float(r["gpu0.value"]) for r in table[:4]] == [50.5, 51.5, 52.5, 53.5]
    assert table[0]["smart.value"] == "3.0" and table[1]["smart.value"] == ""
    assert table[4]["gpu0.value"] == ""  # the tick where the GPU was lost


def test_csv_of_a_simulated_session_says_so_on_every_row(tmp_path: Path) -> None:
    session, out = tmp_path / "demo.aiwm", tmp_path / "demo.csv"
    _session(session, simulated=True)
    export_csv(session, out)
    with out.open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert all(row["simulated"] == "SIMULATED" for row in table)


def test_a_failed_export_keeps_the_existing_csv(tmp_path: Path) -> None:
    broken, out = tmp_path / "broken.aiwm", tmp_path / "keep.csv"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    out.write_text("old,data\n1,2\n")
    with pytest.raises(SessionFileError):
        export_csv(broken, out)
    assert out.read_text() == "old,data\n1,2\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
