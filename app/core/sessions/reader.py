"""Reading session files back: metadata, samples in time order, and events.

Every way a file can be wrong (missing, not SQLite, truncated, another program's database)
becomes a `SessionFileError` with one line that says what is wrong, never a traceback.
"""

from __future__ import annotations

import json
import sqlite3
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
        if not path.is_file():
            raise SessionFileError(f"{path}: no such session file")
        self.path = path
        try:
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            rows = self._db.execute("SELECT key, value FROM meta").fetchall()
            self.meta: dict[str, Any] = {k: json.loads(v) for k, v in rows}
        except (sqlite3.Error, json.JSONDecodeError) as error:
            raise SessionFileError(f"{path}: not a readable aiwm session file ({error})") from None
        if self.meta.get("schema") != SESSION_SCHEMA:
            raise SessionFileError(f"{path}: not an aiwm session file (schema {self.meta.get('schema')!r})")

    @property
    def simulated(self) -> bool:
        return bool(self.meta.get("simulated"))

    def samples(self) -> Iterator[StoredSample]:
        """Every sample in tick order."""
        query = "SELECT tick_wall_s, source, interval_s, error, metrics, detail FROM samples ORDER BY tick_wall_s, id"
        try:
            for tick, source, interval, error, metrics, detail in self._db.execute(query):
                yield StoredSample(
                    tick, source, interval, error, json.loads(metrics), json.loads(detail) if detail else None
                )
        except (sqlite3.Error, json.JSONDecodeError) as error:
            raise SessionFileError(f"{self.path}: session file is damaged ({error})") from None

    def events(self) -> list[tuple[float, str, str]]:
        try:
            return list(self._db.execute("SELECT wall_s, kind, message FROM events ORDER BY wall_s, id"))
        except sqlite3.Error as error:
            raise SessionFileError(f"{self.path}: session file is damaged ({error})") from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
