"""CSV export: one row per tick, ISO-8601 UTC time, metric columns with units, SIMULATED marked."""

from __future__ import annotations

import csv
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pytest

from app.core.errors import SessionFileError, UserError
from app.core.sampling.sample import Sample
from app.core.sessions import csv_export
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
    assert table[0]["smart.value"] == "3" and table[1]["smart.value"] == ""
    assert table[4]["gpu0.value"] == ""  # the tick where the GPU was lost


def test_csv_of_a_simulated_session_says_so_on_every_row(tmp_path: Path) -> None:
    session, out = tmp_path / "demo.aiwm", tmp_path / "demo.csv"
    _session(session, simulated=True)
    export_csv(session, out)
    with out.open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert all(row["simulated"] == "SIMULATED" for row in table)


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    broken, out = tmp_path / "broken.aiwm", tmp_path / "new.csv"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    with pytest.raises(SessionFileError):
        export_csv(broken, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.aiwm"]


def _existing_outputs(folder: Path, session: Path) -> dict[str, Path]:
    """Paths that already name something: a file, a symlink to one, a dangling symlink, a device, the session."""
    (folder / "old.csv").write_text("old,data\n1,2\n")
    (folder / "link.csv").symlink_to(folder / "old.csv")
    (folder / "dangling.csv").symlink_to(folder / "nowhere.csv")
    (folder / "stdout-link").symlink_to("/dev/null")
    return {
        "file": folder / "old.csv",
        "symlink": folder / "link.csv",
        "dangling symlink": folder / "dangling.csv",
        "symlink to a device": folder / "stdout-link",
        "device": Path("/dev/null"),
        "the session itself": session,
    }


@pytest.mark.parametrize(
    "kind", ["file", "symlink", "dangling symlink", "symlink to a device", "device", "the session itself"]
)
def test_export_refuses_any_existing_output_and_changes_nothing(kind: str, tmp_path: Path) -> None:
    session = tmp_path / "s.aiwm"
    _session(session)
    out = _existing_outputs(tmp_path, session)[kind]
    before = {p.name: (p.is_symlink(), p.lstat().st_mtime_ns, p.lstat().st_size) for p in tmp_path.iterdir()}
    session_bytes = session.read_bytes()
    with pytest.raises(UserError, match="already exists; choose a new file name"):
        export_csv(session, out)
    after = {p.name: (p.is_symlink(), p.lstat().st_mtime_ns, p.lstat().st_size) for p in tmp_path.iterdir()}
    assert after == before
    assert session.read_bytes() == session_bytes
    assert (tmp_path / "old.csv").read_text() == "old,data\n1,2\n"


def test_a_file_that_appears_during_the_export_is_not_replaced(tmp_path: Path, monkeypatch) -> None:
    """The check before reading is not enough: the file is put in place by a link, which cannot replace."""
    session, out = tmp_path / "s.aiwm", tmp_path / "late.csv"
    _session(session)
    real_write = csv_export.write_csv

    def write_while_another_program_creates_out(path: Path, handle: TextIO) -> tuple[int, int]:
        out.write_text("written meanwhile by someone else\n")
        return real_write(path, handle)

    monkeypatch.setattr(csv_export, "write_csv", write_while_another_program_creates_out)
    with pytest.raises(UserError, match="already exists"):
        export_csv(session, out)
    assert out.read_text() == "written meanwhile by someone else\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_the_csv_file_gets_the_users_umask(umask: int, mode: int, tmp_path: Path) -> None:
    session, out = tmp_path / "s.aiwm", tmp_path / "s.csv"
    _session(session)
    old = os.umask(umask)
    try:
        export_csv(session, out)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == mode


@dataclass(frozen=True)
class NamedValues:
    """A reading with any metric names, to write the catalog's metrics into a session."""

    values: tuple[tuple[str, float | None], ...]

    def metrics(self) -> dict[str, float | None]:
        return dict(self.values)


# (metric, stored value, expected cell). Precision from app/core/metric_catalog.py: GPU temperature
# 0 decimals (NVML reports whole °C), power 3 (NVML reports mW), CPU use 1, load 2, rates and byte
# counts 0; a metric the catalog lacks keeps 6 decimals.
CELLS = [
    ("gpu0.temperature_c", 41.0, "41"),
    ("gpu1.temperature_c", 41.6, "42"),
    ("gpu0.power_w", 12.345678, "12.346"),
    ("gpu1.power_w", 250.0, "250"),
    ("disk.nvme0n1.read_bytes_per_s", 7.105427357601002e-11, "0"),
    ("net.eth0.rx_bytes_per_s", 1234.5678, "1235"),
    ("mem.used_bytes", 17_179_869_184, "17179869184"),
    ("cpu.util_percent", 12.26, "12.3"),
    ("cpu.core0.util_percent", -0.01, "0"),
    ("cpu.load_1m", None, ""),
    ("cpu.temperature_c", float("nan"), ""),
    ("toaster.crumbs", 0.12345678, "0.123457"),
]


def test_values_are_written_at_their_sensors_precision(tmp_path: Path) -> None:
    session, out = tmp_path / "p.aiwm", tmp_path / "p.csv"
    recorder = Recorder(session, {"simulated": False}, commit_interval_s=0.05)
    reading = NamedValues(tuple((name, value) for name, value, _ in CELLS))
    recorder.add_sample(Sample("mixed", 1.0, T0, 0, 0, reading))
    recorder.close()
    export_csv(session, out)
    with out.open(newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert {name: row[name] for name, _, _ in CELLS} == {name: cell for name, _, cell in CELLS}
