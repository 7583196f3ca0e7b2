"""The report's JSON Schema (draft 2020-12), shipped as `resources/report.schema.json`, so a
program that reads a report can check it without this program."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.core.paths import resources_dir

SCHEMA_FILE = "report.schema.json"


def schema_path() -> Path:
    return resources_dir() / SCHEMA_FILE


def report_schema() -> dict[str, Any]:
    """The schema as a dict (read from resources/ each time: it is small)."""
    loaded: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return loaded
