"""CSV export of a session: one row per tick, a `time` column in ISO-8601 UTC, one column per metric.

A session of simulated GPUs gets a `simulated` column that reads SIMULATED on every row, so the
label survives any spreadsheet or script that reads the file.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

from app.core.atomic import atomic_text_writer, check_writable
from app.core.clock import iso_utc
from app.core.sessions.reader import Session


def export_csv(session_path: Path, out_path: Path) -> tuple[int, int]:
    """Write the session's metrics to `out_path`; returns (rows, metric columns).

    Atomic: an existing file at `out_path` survives any failure.
    """
    check_writable(out_path)
    with Session(session_path) as session:
        names = sorted({name for s in session.samples() for name in s.metrics})
        label = ["SIMULATED"] if session.simulated else []
        rows = 0
        with atomic_text_writer(out_path, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["time", *(["simulated"] if label else []), *names])
            for tick, values in _rows_by_tick(session):
                writer.writerow([iso_utc(tick), *label, *(_cell(values.get(n)) for n in names)])
                rows += 1
    return rows, len(names)


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


def _cell(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return repr(value) if isinstance(value, float) else str(value)
