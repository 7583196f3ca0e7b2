"""CSV cells, value by value, and one row per tick at sub-second intervals."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from app.core.sampling.sample import Sample
from app.core.sessions.csv_export import export_csv, format_value
from app.core.sessions.recorder import Recorder
from tests.core.fakes import CounterReading

T0 = 1_800_000_000.0  # 2027-01-15T08:00:00Z


@pytest.mark.parametrize(
    ("value", "places", "cell"),
    [
        (None, 2, ""),  # missing
        (math.nan, 2, ""),
        (math.inf, 0, ""),
        (-math.inf, 3, ""),
        (7.105427357601002e-11, 0, "0"),  # a byte rate that is really zero
        (-0.0001, 2, "0"),  # no "-0"
        (3.10, 2, "3.1"),  # trailing zero dropped
        (450.0, 3, "450"),
        (12.345678, 3, "12.346"),
        (7, 0, "7"),  # a count stays an integer
        (True, 0, "1"),  # a 0/1 flag read back from JSON as a bool
        (1500.0, 0, "1500"),  # zeros before the point stay
    ],
)
def test_each_value_is_written_at_its_precision(value: float | None, places: int, cell: str) -> None:
    assert format_value(value, places) == cell


def test_ticks_a_quarter_second_apart_are_separate_rows(tmp_path: Path) -> None:
    session, out = tmp_path / "q.aiwm", tmp_path / "q.csv"
    recorder = Recorder(session, {"simulated": False}, commit_interval_s=0.05)
    for k in range(4):
        recorder.add_sample(Sample("s", 0.25, T0 + 0.25 * k, 0, 0, CounterReading("s", float(k))))
    recorder.close()
    export_csv(session, out)
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["time"] for row in rows] == [
        "2027-01-15T08:00:00.000Z",
        "2027-01-15T08:00:00.250Z",
        "2027-01-15T08:00:00.500Z",
        "2027-01-15T08:00:00.750Z",
    ]
    assert [row["s.value"] for row in rows] == ["0", "1", "2", "3"]


def test_a_session_without_samples_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    import io

    from app.core.errors import SessionFileError
    from app.core.sessions.csv_export import write_csv

    session = tmp_path / "empty.aiwm"
    Recorder(session, {"simulated": False}).close()
    handle = io.StringIO()
    with pytest.raises(SessionFileError, match=r"empty\.aiwm: the session holds no readings"):
        write_csv(session, handle)
    assert handle.getvalue() == "", "not even a header"


def test_a_session_whose_only_sample_failed_still_exports_its_tick(tmp_path: Path) -> None:
    session, out = tmp_path / "failed.aiwm", tmp_path / "failed.csv"
    recorder = Recorder(session, {"simulated": False}, commit_interval_s=0.05)
    recorder.add_sample(Sample("gpu", 1.0, T0, 0, 0, None, error="NVML: GPU is lost"))
    recorder.close()
    assert export_csv(session, out) == (1, 0)
    assert out.read_text().splitlines() == ["time", "2027-01-15T08:00:00.000Z"]
