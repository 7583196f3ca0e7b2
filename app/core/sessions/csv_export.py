"""CSV export of a session: one row per tick, a `time` column in ISO-8601 UTC, one column per metric.

A session of simulated GPUs gets a `simulated` column that reads SIMULATED on every row, so the
label survives any spreadsheet or script that reads the file. Each value is written at its
sensor's precision from the metric catalog (a temperature of 41.0 °C is `41`, a rate of 7e-11 B/s
is `0`), whole numbers without a point, and a missing or NaN reading as an empty cell.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from app.core.atomic import atomic_text_writer, check_writable, refuse_existing
from app.core.clock import iso_utc
from app.core.errors import SessionFileError, UserError
from app.core.metric_catalog import decimals
from app.core.sessions.reader import Session

UNKNOWN_METRIC_DECIMALS = 6  # a metric the catalog lacks: enough for any sensor, never an exponent


def export_csv(session_path: Path, out_path: Path) -> tuple[int, int]:
    """Write the session's metrics to the new file `out_path`; returns (rows, metric columns).

    Refuses any existing `out_path` (a file, a symlink, a device, the session itself) with a
    `UserError`, before reading anything. Atomic: the file appears only when it is complete.
    """
    check_writable(out_path)
    refuse_existing(out_path)
    try:
        with atomic_text_writer(out_path, newline="", replace=False) as handle:
            return write_csv(session_path, handle)
    except OSError as error:  # a full disk: the writer has removed its partial file
        raise UserError(f"cannot write {out_path}: {error.strerror or error}") from None


def write_csv(session_path: Path, handle: TextIO) -> tuple[int, int]:
    """Write the session's metrics as CSV to an open text file (standard output for `--csv -`)."""
    with Session(session_path) as session:
        empty = True
        found: set[str] = set()
        for sample in session.samples():
            empty = False
            found.update(sample.metrics)
        if empty:  # nothing to export: say so (and where the rows may be) before writing a header
            raise SessionFileError(f"{session_path}: the session holds no readings{session.missing_wal_hint()}")
        names = sorted(found)
        places = [_decimals_of(name) for name in names]
        label = ["SIMULATED"] if session.simulated else []
        writer = csv.writer(handle)
        writer.writerow(["time", *(["simulated"] if label else []), *names])
        rows = 0
        for tick, values in _rows_by_tick(session):
            cells = (format_value(values.get(n), p) for n, p in zip(names, places, strict=True))
            writer.writerow([iso_utc(tick), *label, *cells])
            rows += 1
    return rows, len(names)


def _decimals_of(name: str) -> int:
    places = decimals(name)
    return UNKNOWN_METRIC_DECIMALS if places is None else places


def _rows_by_tick(session: Session) -> Iterator[tuple[float, dict[str, float | None]]]:
    """Merge the samples of all sources taken at the same tick into one row, streaming in tick order."""
    current_tick: float | None = None
    row: dict[str, float | None] = {}
    for sample in session.samples():
        tick = round(sample.tick_wall_s, 3)
        if tick != current_tick and current_tick is not None:
            yield current_tick, row
            row = {}
        current_tick = tick
        row.update(sample.metrics)
    if current_tick is not None:
        yield current_tick, row


def format_value(value: float | None, places: int) -> str:
    """`value` rounded to `places` digits after the point, without trailing zeros; '' when missing."""
    if value is None:
        return ""
    if isinstance(value, int):  # a count (and a 0/1 flag, which JSON may hand back as a bool)
        return str(int(value))
    if not math.isfinite(value):
        return ""
    text = f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
