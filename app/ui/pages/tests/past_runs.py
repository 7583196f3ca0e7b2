"""Earlier test results of this machine, newest first, from the results store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from app.core.units import NA
from app.stress.records import THERMAL_SCHEMA
from app.ui.pages.tests.metric_text import value_text
from app.ui.pages.tests.result_card import TEST_NAMES, verdict_color
from app.ui.theme import Theme

# The one number that sums up a run of each kind, with a short word before it where the unit alone
# does not say what it is.
HEADLINE = {
    "gpu": ("tflops", ""),
    "vram": ("bytes_tested", "tested"),
    "cpu": ("gflops", ""),
    "ram": ("bytes_tested", "tested"),
    "disk": ("seq_read_bytes_per_s", "read"),
    "thermal": ("steady_c", "steady"),
}
FALLBACK = {"thermal": ("peak_c", "peak")}  # a cooling test that did not settle has no steady temperature
COLUMNS = ("Started (UTC)", "Test", "Verdict", "Result")


class PastRuns(QTableWidget):
    """One row per stored result; a SIMULATED run says so in its Test column."""

    def __init__(self, theme: Theme) -> None:
        super().__init__(0, len(COLUMNS))
        self._theme = theme
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        # The Result column is never cut: the Test column takes what is left and elides its words
        # (the whole text is in its tooltip).
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        for column, mode in enumerate(
            (QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch)
            + (QHeaderView.ResizeMode.ResizeToContents,) * 2
        ):
            header.setSectionResizeMode(column, mode)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setWordWrap(False)
        self.setToolTip("Stress and cooling tests stored in the data folder (the window's and aiwm's).")

    def show_documents(self, documents: Sequence[Mapping[str, Any]]) -> None:
        newest_first = sorted(documents, key=lambda d: str(d.get("started_at") or ""), reverse=True)
        self.setRowCount(len(newest_first))
        for row, document in enumerate(newest_first):
            for column, (text, color) in enumerate(self._cells(document)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if color:
                    item.setForeground(QColor(color))
                self.setItem(row, column, item)

    def _cells(self, document: Mapping[str, Any]) -> list[tuple[str, str | None]]:
        kind = "thermal" if document.get("schema") == THERMAL_SCHEMA else str(document.get("kind") or NA)
        device = document.get("device")
        test = TEST_NAMES.get(kind, kind) + (f" · {device}" if device else "")
        test += " (SIMULATED)" if document.get("simulated") else ""
        verdict = str(document.get("verdict") or NA)
        metrics = document.get("metrics")
        key, word = HEADLINE.get(kind, ("", ""))
        value = metrics.get(key) if isinstance(metrics, Mapping) and key else None
        if value is None and kind in FALLBACK and isinstance(metrics, Mapping):
            key, word = FALLBACK[kind]
            value = metrics.get(key)
        number = value_text(key, value if isinstance(value, int | float) else None)
        headline = f"{word} {number}".strip() if key else NA
        return [
            (_minutes(document.get("started_at")), None),
            (test, self._theme.simulated if document.get("simulated") else None),
            (verdict.upper(), verdict_color(verdict, self._theme)),
            (headline, None),
        ]


def _minutes(started_at: object) -> str:
    """ "2026-11-02T09:12:00Z" as "2026-11-02 09:12": the list needs the minute, not the second."""
    if not isinstance(started_at, str) or len(started_at) < 16:
        return str(started_at) if started_at else NA
    return started_at[:16].replace("T", " ")
