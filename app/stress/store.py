"""PLACEHOLDER (issue 9, runner helper replaces this file): test results kept in the data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def save_result(document: dict[str, Any]) -> Path:
    """Store one `aiwm.stress/1` or `aiwm.thermal/1` document in the data folder; returns its path."""
    raise NotImplementedError


def past_results(schema: str, device: str | None = None) -> list[dict[str, Any]]:
    """Earlier results of one schema (and device), oldest first; unreadable files are skipped with a reason."""
    raise NotImplementedError
