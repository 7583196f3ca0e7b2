"""Session files: SQLite, written as samples arrive, so a crash loses at most the last second.

The writer runs on a thread of its own and commits once per `commit_interval_s` in WAL mode; a
committed transaction survives `kill -9` of the program. Committed rows first land in the
`-wal` file beside the session; every `checkpoint_interval_s` (10 s) they are copied into the
`.aiwm` file itself (and once right after the file is made, so the schema and meta are in
it from the start), so after a crash the `.aiwm` file alone, copied without its `-wal`, still
holds all but the last 10 s or so. A session closed normally is the `.aiwm` file alone.

Layout (schema `aiwm.session/1`):

* `meta(key, value)`, each value JSON: schema, program_version, and what the caller passes (the
  live session: started_at in UNIX seconds, simulated, interval_s, time_scale, sources, inventory).
* `samples(id, tick_wall_s, source, interval_s, duration_s, error, metrics, detail)`: one row per
  source per tick; `metrics` is the flat JSON of numbers, `detail` the whole record as JSON.
* `events(wall_s, kind, message)`: alerts and notes written during the session.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import __version__
from app.core.atomic import check_writable, refuse_existing
from app.core.errors import UserError
from app.core.json_values import to_json_value
from app.core.sampling.sample import Sample
from app.core.sessions.schema import SESSION_SCHEMA

log = logging.getLogger(__name__)

_CREATE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE samples (
    id INTEGER PRIMARY KEY, tick_wall_s REAL NOT NULL, source TEXT NOT NULL, interval_s REAL NOT NULL,
    duration_s REAL NOT NULL, error TEXT, metrics TEXT NOT NULL, detail TEXT
);
CREATE TABLE events (id INTEGER PRIMARY KEY, wall_s REAL NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL);
CREATE INDEX samples_by_tick ON samples (tick_wall_s);
"""


CHECKPOINT_INTERVAL_S = 10.0
SIDE_FILES = ("-wal", "-shm", "-journal")


def check_new_session_path(path: Path) -> None:
    """Fail with a one-line `UserError` unless a new session can be made at `path`.

    A `-wal` left by a crashed recording of the same name would be replayed into the new file by
    SQLite, mixing two recordings, so the side files must be absent too.
    """
    check_writable(path)
    for name in (path, *(path.with_name(path.name + side) for side in SIDE_FILES)):
        refuse_existing(name)


class Recorder:
    """Writes samples and events of one session to a new SQLite file."""

    def __init__(
        self,
        path: Path,
        metadata: dict[str, Any],
        commit_interval_s: float = 1.0,
        checkpoint_interval_s: float = CHECKPOINT_INTERVAL_S,
    ) -> None:
        check_new_session_path(path)
        self.path = path
        self._commit_interval_s = commit_interval_s
        self._checkpoint_interval_s = checkpoint_interval_s
        self._queue: queue.SimpleQueue[tuple[str, tuple[Any, ...]] | None] = queue.SimpleQueue()
        self._db = self._create(path, metadata)
        self.rows_written = 0  # committed rows: one reading of one source at one tick
        self.sources_written: set[str] = set()
        self._failure: str | None = None
        self._thread = threading.Thread(target=self._run, name="aiwm-recorder", daemon=True)
        self._thread.start()

    @staticmethod
    def _create(path: Path, metadata: dict[str, Any]) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_CREATE)
            meta = {"schema": SESSION_SCHEMA, "program_version": __version__, **metadata}
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(to_json_value(v))) for k, v in meta.items()]
            )
            # Schema and meta into the .aiwm file itself now, not at the first 10 s checkpoint, so a
            # copy made without the -wal in the first seconds is still a session file.
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error as error:
            _remove_half_made(path)
            raise UserError(f"cannot create session file {path}: {error}") from None
        return db

    def add_sample(self, sample: Sample) -> None:
        """Queue a sample for writing; safe to call from the sampler thread."""
        row = (
            sample.tick_wall_s,
            sample.source,
            sample.interval_s,
            sample.duration_s,
            sample.error,
            json.dumps(to_json_value(sample.metrics())),
            json.dumps(to_json_value(sample.reading)) if sample.reading is not None else None,
        )
        self._queue.put(("sample", row))

    def add_event(self, wall_s: float, kind: str, message: str) -> None:
        self._queue.put(("event", (wall_s, kind, message)))

    @property
    def failure(self) -> str | None:
        """Why writing stopped (the first error: a full disk, a vanished folder), or None while all is well.

        After a failure the recorder drops what arrives and closes the file; the rows counted in
        `rows_written` were committed before it and stay readable.
        """
        return self._failure

    def close(self) -> None:
        """Write what is queued, commit and close the file; afterwards `failure` says whether all went well."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        pending: list[tuple[str, tuple[Any, ...]]] = []
        last_commit = last_checkpoint = time.monotonic()
        while True:
            try:
                item = self._queue.get(timeout=self._commit_interval_s)
            except queue.Empty:
                item = ("tick", ())
            if item is None:
                break
            if item[0] != "tick" and self._failure is None:
                pending.append(item)
            if time.monotonic() - last_commit >= self._commit_interval_s:
                self._commit(pending)
                pending, last_commit = [], time.monotonic()
            if last_commit - last_checkpoint >= self._checkpoint_interval_s:
                self._checkpoint("PASSIVE")
                last_checkpoint = last_commit
        self._commit(pending)
        self._checkpoint("TRUNCATE")
        self._guarded("closing", self._db.close)

    def _checkpoint(self, mode: str) -> None:
        """Copy the committed rows from the `-wal` file into the `.aiwm` file; PASSIVE never waits for readers."""
        self._guarded("checkpoint", lambda: self._db.execute(f"PRAGMA wal_checkpoint({mode})").fetchall())

    def _commit(self, pending: list[tuple[str, tuple[Any, ...]]]) -> None:
        if not pending or self._failure is not None:
            return
        samples = [row for kind, row in pending if kind == "sample"]
        events = [row for kind, row in pending if kind == "event"]
        if self._guarded("writing", lambda: self._insert(samples, events)):
            self.rows_written += len(samples)
            self.sources_written.update(row[1] for row in samples)

    def _insert(self, samples: list[tuple[Any, ...]], events: list[tuple[Any, ...]]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO samples (tick_wall_s, source, interval_s, duration_s, error, metrics, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                samples,
            )
            self._db.executemany("INSERT INTO events (wall_s, kind, message) VALUES (?, ?, ?)", events)

    def _guarded(self, what: str, step: Callable[[], object]) -> bool:
        """Run one step of the writer thread; an SQLite or OS error (a full disk) is kept as `failure`, not raised.

        Only the first failure is kept: it is the cause, later ones (a checkpoint on the same full
        disk) are its consequences.
        """
        try:
            step()
        except (sqlite3.Error, OSError) as error:
            log.info("%s %s failed: %s", what, self.path, error)
            if self._failure is None:
                self._failure = str(error)
            return False
        return True


def recording_failure(recorder: Recorder) -> str | None:
    """The one line that says a recording failed and how much of it is safe, for the CLI and the window."""
    if recorder.failure is None:
        return None
    return f"writing {recorder.path} failed: {recorder.failure}; {recorder.rows_written} readings were saved"


def _remove_half_made(path: Path) -> None:
    """Remove a session file that could not be set up (a full disk), and its side files: this
    program made them a moment ago (the path was checked new), and a retry must not find them."""
    for side in ("", *SIDE_FILES):
        with contextlib.suppress(OSError):
            path.with_name(path.name + side).unlink()
