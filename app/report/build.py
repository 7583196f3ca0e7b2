"""PLACEHOLDER (issue 11, report builder helper replaces this file): build and write the report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.engine import Engine
from app.core.sampling.history import History
from app.doctor.records import DoctorReport
from app.report.records import SECTION_IDS


@dataclass(frozen=True)
class ReportOptions:
    sections: tuple[str, ...] = SECTION_IDS
    redact: bool = False
    since_s: float | None = None  # the history period: the last N seconds of the history source
    sessions: tuple[Path, ...] = ()  # session files (aiwm record) to take the history from


def build_report(
    engine: Engine, options: ReportOptions, history: History | None = None, doctor: DoctorReport | None = None
) -> dict[str, Any]:
    """The `aiwm.report/1` document: inventory and readings from `engine`, the doctor's findings
    (run now when `doctor` is None and the section is wanted), stored test results and plans, and
    the history from `history` (the window's) or `options.sessions`; redacted when asked."""
    raise NotImplementedError


def write_report(document: dict[str, Any], fmt: str, out: Path) -> None:
    """Write `document` as json, html or pdf to `out` atomically; never over an existing file."""
    raise NotImplementedError
