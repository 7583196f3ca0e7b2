"""Reading session files back: metadata, samples in time order, and events.

Every way a file can be wrong (missing, not SQLite, truncated, another program's database)
becomes a `SessionFileError` with one line that says what is wrong, never a traceback.

Reading never writes, so a session on a read-only disk, in a read-only folder or owned by
someone else can be read, and no `-wal`/`-shm` file is left next to it. SQLite in WAL mode
would create both even for a `mode=ro` reader. A closed session has no `-wal` file and is
opened `immutable=1` (SQLite then reads the main file alone, with no locks and no side files).
A session left by a crash still has committed rows in its `-wal`, which `immutable` would
ignore; then the file and its `-wal` are copied to a private temporary folder and the copy is
read, so the reader sees every committed row and the user's folder stays untouched.
"""

from __future__ import annotations

import contextlib
import json
import math
import shutil
import sqlite3
import tempfile
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import SessionFileError
from app.core.sessions.schema import SESSION_SCHEMA


@dataclass(frozen=True)
class StoredSample:
    """A sample as read back from a session file."""

    tick_wall_s: float
    source: str
    interval_s: float
    error: str | None
    metrics: dict[str, float | None]
    detail: Any


class Session:
    """An open, read-only session file."""

    def __init__(self, path: Path) -> None:
        if path.is_dir():
            raise SessionFileError(f"{path}: is a folder, not a session file")
        if not path.exists():
            raise SessionFileError(f"{path}: no such session file")
        if not path.is_file():
            raise SessionFileError(f"{path}: not a session file (a device or a pipe, not a regular file)")
        if path.stat().st_size == 0:
            raise SessionFileError(f"{path}: not an aiwm session file (the file is empty)")
        self.path = path
        self._copy_folder: tempfile.TemporaryDirectory[str] | None = None
        try:
            self._db = self._connect(path)
            rows = self._db.execute("SELECT key, value FROM meta").fetchall()
            self.meta: dict[str, Any] = {k: json.loads(v) for k, v in rows}
        except (sqlite3.Error, json.JSONDecodeError) as error:
            self.close()
            hint = self.missing_wal_hint() if "no such table" in str(error) and self._has_no_tables() else ""
            raise SessionFileError(f"{path}: not a readable aiwm session file ({error}){hint}") from None
        if self.meta.get("schema") != SESSION_SCHEMA:
            self.close()
            raise SessionFileError(f"{path}: not an aiwm session file (schema {self.meta.get('schema')!r})")

    def _connect(self, path: Path) -> sqlite3.Connection:
        """A connection that cannot change `path` or create anything next to it."""
        wal = path.with_name(path.name + "-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            self._copy_folder = tempfile.TemporaryDirectory(prefix="aiwm-session-")
            copy = Path(self._copy_folder.name) / "session.aiwm"
            try:
                shutil.copyfile(path, copy)
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            except OSError as error:
                self.close()
                raise SessionFileError(f"{path}: cannot read the file and its -wal ({error.strerror})") from None
            return sqlite3.connect(f"{_file_uri(copy)}?mode=ro", uri=True)
        return sqlite3.connect(f"{_file_uri(path)}?mode=ro&immutable=1", uri=True)

    def _has_no_tables(self) -> bool:
        """True for an SQLite file with no tables at all: a session's first page copied without its
        `-wal` (another program's database has tables, just not ours)."""
        try:
            with contextlib.closing(sqlite3.connect(f"{_file_uri(self.path)}?mode=ro&immutable=1", uri=True)) as db:
                return int(db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]) == 0
        except sqlite3.Error:
            return False

    def missing_wal_hint(self) -> str:
        """For a session with less in it than expected: where the rest may be, when its `-wal` is not beside it.

        A recording that was still running (or crashed) keeps its newest rows in `X.aiwm-wal`; a
        copy of `X.aiwm` alone lacks them.
        """
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.exists():
            return ""
        return f"; its data may be in {wal.name}: copy that file along"

    @property
    def simulated(self) -> bool:
        return bool(self.meta.get("simulated"))

    def samples(self) -> Iterator[StoredSample]:
        """Every sample in tick order."""
        query = "SELECT tick_wall_s, source, interval_s, error, metrics, detail FROM samples ORDER BY tick_wall_s, id"
        try:
            for tick, source, interval, error, metrics, detail in self._db.execute(query):
                yield StoredSample(
                    _number(tick, "tick_wall_s"),
                    _text(source, "source"),
                    _number(interval, "interval_s"),
                    None if error is None else _text(error, "error"),
                    _metrics(json.loads(metrics)),
                    _detail(json.loads(detail)) if detail else None,
                )
        except (sqlite3.Error, json.JSONDecodeError, _WrongShape) as error:
            raise SessionFileError(f"{self.path}: session file is damaged ({error})") from None

    def metric_rows(self, after_wall_s: float | None = None) -> list[tuple[float, str, str]]:
        """(tick, source, metrics as JSON text) of the samples after `after_wall_s`, in the order they
        were written (each source's in tick order; sources interleave), undecoded: a report over a
        day of readings decodes them in bulk, much faster than `samples` (no sort, no detail)."""
        query = "SELECT tick_wall_s, source, metrics FROM samples WHERE tick_wall_s > ? ORDER BY id"
        try:
            rows = self._db.execute(query, (-math.inf if after_wall_s is None else after_wall_s,)).fetchall()
        except sqlite3.Error as error:
            raise SessionFileError(f"{self.path}: session file is damaged ({error})") from None
        if any(not isinstance(text, str) or not isinstance(tick, int | float) for tick, _, text in rows):
            raise SessionFileError(
                f"{self.path}: session file is damaged (a sample's time or metrics has the wrong type)"
            )
        return rows

    def last_tick(self) -> float | None:
        """The newest sample's time (UNIX seconds); None for a session with no samples."""
        try:
            value = self._db.execute("SELECT max(tick_wall_s) FROM samples").fetchone()[0]
        except sqlite3.Error as error:
            raise SessionFileError(f"{self.path}: session file is damaged ({error})") from None
        return None if value is None else float(value)

    def events(self) -> list[tuple[float, str, str]]:
        try:
            return list(self._db.execute("SELECT wall_s, kind, message FROM events ORDER BY wall_s, id"))
        except sqlite3.Error as error:
            raise SessionFileError(f"{self.path}: session file is damaged ({error})") from None

    def close(self) -> None:
        if hasattr(self, "_db"):
            self._db.close()
        if self._copy_folder is not None:
            self._copy_folder.cleanup()
            self._copy_folder = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _WrongShape(ValueError):
    """A row that decodes but is not what the recorder writes (a list for `metrics`, a word for a number)."""


def _number(value: object, column: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _WrongShape(f"{column} is {value!r}, not a number")
    return float(value)


def _text(value: object, column: str) -> str:
    if not isinstance(value, str):
        raise _WrongShape(f"{column} is {value!r}, not text")
    return value


def _metrics(value: object) -> dict[str, float | None]:
    """`samples.metrics` as the recorder writes it: an object of metric name to number or null."""
    if not isinstance(value, dict):
        raise _WrongShape(f"metrics is {type(value).__name__} {value!r:.60}, not an object of numbers")
    for name, number in value.items():
        if number is not None and not isinstance(number, int | float):  # a bool is a 0/1 flag
            raise _WrongShape(f"metric {name} is {number!r:.60}, not a number")
    return value


def _detail(value: object) -> dict[str, Any] | None:
    """`samples.detail`: the record as a JSON object (its fields are checked when it is decoded for replay)."""
    if value is not None and not isinstance(value, dict):
        raise _WrongShape(f"detail is {type(value).__name__} {value!r:.60}, not an object")
    return value


def _file_uri(path: Path) -> str:
    """`path` as an SQLite `file:` URI; `?`, `#` and `%` in a file name are escaped, not parsed."""
    return "file:" + urllib.parse.quote(str(path.absolute()))
