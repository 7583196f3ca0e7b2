"""The Reports page's choices: which sections, redacted or not, which period, which format.

Without Qt: what the checkboxes and lists mean, so the page's widgets only hold the user's picks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.report.build import ReportOptions
from app.report.records import SECTION_IDS

SECTION_TITLES = {
    "summary": "Summary",
    "machine": "Machine",
    "gpus": "GPUs",
    "software": "Software stack and doctor",
    "tests": "Stress and cooling tests",
    "history": "History and alerts",
    "plans": "Project plans",
}
# The window keeps every sample of the last 15 minutes and 10 s buckets of the last 24 hours.
PERIODS: tuple[tuple[str, float | None], ...] = (
    ("Last 15 minutes", 15 * 60.0),
    ("Last hour", 3600.0),
    ("Last 24 hours", 24 * 3600.0),
    ("All of the window's history", None),
)
FORMATS: tuple[tuple[str, str, str], ...] = (
    ("PDF", "pdf", "PDF documents (*.pdf)"),
    ("HTML", "html", "Web pages (*.html)"),
    ("JSON", "json", "JSON documents (*.json)"),
)


@dataclass(frozen=True)
class ReportChoices:
    """What the user picked on the page."""

    sections: tuple[str, ...] = SECTION_IDS
    redact: bool = False
    since_s: float | None = 15 * 60.0
    fmt: str = "pdf"

    def options(self) -> ReportOptions:
        """The builder's options: the sections in the document's order, whatever order they were ticked in."""
        return ReportOptions(
            sections=tuple(s for s in SECTION_IDS if s in self.sections), redact=self.redact, since_s=self.since_s
        )


def ordered_sections(ticked: Iterable[str]) -> tuple[str, ...]:
    chosen = set(ticked)
    return tuple(s for s in SECTION_IDS if s in chosen)


def suggested_name(fmt: str, now: datetime) -> str:
    """'aiwm-report-20261128-1502.pdf': sorts by time, says what it is; no host name (it may be redacted)."""
    return f"aiwm-report-{now:%Y%m%d-%H%M}.{fmt}"


def with_suffix(path: Path, fmt: str) -> Path:
    """The chosen path with the format's extension when the user typed none."""
    return path if path.suffix else path.with_name(f"{path.name}.{fmt}")


def filter_of(fmt: str) -> str:
    return next(f for _, key, f in FORMATS if key == fmt)
