"""Test results kept in the data folder: one JSON file per run under `tests/<stress|thermal>/`.

Each file is written whole through the atomic writer and never replaces another; reading them
back skips (and reports) a file that is unreadable, so one corrupt result never hides the others.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.atomic import atomic_text_writer
from app.core.errors import UserError
from app.core.paths import data_dir

log = logging.getLogger(__name__)
RESULTS_FOLDER = "tests"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_MAX_TRIES = 100


@dataclass(frozen=True)
class StoredResults:
    """Earlier results of one schema, oldest first, and the files that could not be read, with why."""

    documents: tuple[dict[str, Any], ...]
    unreadable: tuple[tuple[Path, str], ...]


def results_folder(schema: str) -> Path:
    """`<data>/tests/stress` for `aiwm.stress/1`, `<data>/tests/thermal` for `aiwm.thermal/1`."""
    return data_dir() / RESULTS_FOLDER / _schema_kind(schema)


def save_result(document: dict[str, Any]) -> Path:
    """Store one `aiwm.stress/1` or `aiwm.thermal/1` document in the data folder; returns its path."""
    folder = results_folder(str(document["schema"]))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create {folder}: {error.strerror}") from None
    stem = _file_stem(document)
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    for attempt in range(1, _MAX_TRIES + 1):
        path = folder / (f"{stem}.json" if attempt == 1 else f"{stem}-{attempt}.json")
        try:
            with atomic_text_writer(path, replace=False) as handle:
                handle.write(text)
        except UserError:
            if path.exists():
                continue  # two results in one second: the next free name
            raise
        return path
    raise UserError(f"cannot store the result: {_MAX_TRIES} files named {stem}*.json already exist in {folder}")


def past_results(schema: str, device: str | None = None) -> list[dict[str, Any]]:
    """Earlier results of one schema (and device), oldest first; unreadable files are skipped with a reason."""
    stored = read_results(schema, device)
    for path, why in stored.unreadable:
        log.warning("skipped stored result %s: %s", path, why)
    return list(stored.documents)


def read_results(schema: str, device: str | None = None) -> StoredResults:
    """Every readable result of `schema` (and `device`), oldest first, and the unreadable files with why."""
    folder = results_folder(schema)
    documents: list[dict[str, Any]] = []
    unreadable: list[tuple[Path, str]] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        document, why = _read(path, schema)
        if document is None:
            unreadable.append((path, why or "unreadable"))
        elif device is None or document.get("device") == device:
            documents.append(document)
    documents.sort(key=lambda d: str(d.get("started_at", "")))
    return StoredResults(tuple(documents), tuple(unreadable))


def _read(path: Path, schema: str) -> tuple[dict[str, Any] | None, str | None]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        return None, f"cannot read it: {error.strerror}"
    except (ValueError, UnicodeDecodeError) as error:
        return None, f"not JSON: {error}"
    if not isinstance(document, dict) or document.get("schema") != schema:
        return None, f"not an {schema} document"
    return document, None


def _schema_kind(schema: str) -> str:
    """ "aiwm.stress/1" -> "stress"."""
    match = re.fullmatch(r"aiwm\.([a-z]+)/\d+", schema)
    if match is None:
        raise ValueError(f"not a test result schema: {schema!r}")
    return match.group(1)


def _file_stem(document: dict[str, Any]) -> str:
    """<UTC time>-<kind>-<device>, e.g. 20261128T142311Z-gpu-gpu0, safe on every file system."""
    started = str(document.get("started_at") or "")
    stamp = re.sub(r"\.\d+", "", started).replace("-", "").replace(":", "") or "unknown-time"
    kind = str(document.get("kind") or _schema_kind(str(document["schema"])))
    device = _UNSAFE.sub("_", str(document.get("device") or "none")).strip("_")[:60] or "none"
    return _UNSAFE.sub("_", f"{stamp}-{kind}-{device}")
