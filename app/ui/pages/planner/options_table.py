"""The plan's options as a table: where, GPU × count, VRAM per GPU, fits, hours, cost, notes.

One line a row, so that a screen holds every option (17 rows in ~520 px): the notes, long, are cut
at the column's edge and read whole in the cell's tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from app.planner.records import Option, Plan
from app.ui.pages.planner.option_text import FITS_MARK, KIND_WORDS, cost_text, gpu_text, hours_text, vram_text
from app.ui.theme import Theme

COLUMNS = ("#", "Where", "GPU × count", "VRAM per GPU", "Fits", "Hours", "Cost (USD)", "Notes")
NOTES_COLUMN = COLUMNS.index("Notes")
WIDEST_COLUMN_PX = 200  # a long name or "n/a (reason)" is cut here (whole in its tooltip), leaving room for Notes


def option_cells(index: int, option: Option, recommended: bool) -> tuple[str, ...]:
    """One option's row, as text (the same text a screen reader and a test read)."""
    return (
        f"{index + 1}{' ★' if recommended else ''}",
        KIND_WORDS[option.kind],
        gpu_text(option),
        vram_text(option),
        FITS_MARK[option.fits],
        hours_text(option),
        cost_text(option),
        "; ".join(option.notes),
    )


class OptionsTable(QTableWidget):
    """Read-only; the recommended row is bold and starred, the fits column coloured as it reads."""

    def __init__(self, theme: Theme) -> None:
        super().__init__(0, len(COLUMNS))
        self.theme = theme
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.horizontalHeader().setSectionResizeMode(NOTES_COLUMN, QHeaderView.ResizeMode.Stretch)

    def show_plan(self, plan: Plan) -> None:
        recommended = plan.recommendation.option_index if plan.recommendation else None
        self.setRowCount(len(plan.options))
        for row, option in enumerate(plan.options):
            for column, text in enumerate(option_cells(row, option, row == recommended)):
                self.setItem(row, column, self._cell(text, option, row == recommended, column))
        for column in range(NOTES_COLUMN):
            self.resizeColumnToContents(column)
            self.setColumnWidth(column, min(self.columnWidth(column), WIDEST_COLUMN_PX))
        self.resizeRowsToContents()

    def rows_height(self) -> int:
        """The height that shows the header and every row, no more."""
        rows = sum(self.rowHeight(row) for row in range(self.rowCount()))
        return self.horizontalHeader().sizeHint().height() + rows + 2 * self.frameWidth() + 2

    def _cell(self, text: str, option: Option, recommended: bool, column: int) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setToolTip(text if column != NOTES_COLUMN else "\n".join(option.notes) or "no notes")
        if recommended:
            font = QFont(item.font())
            font.setBold(True)
            item.setFont(font)
        if COLUMNS[column] == "Fits":
            item.setForeground(QColor(self.theme.ok if option.fits else self.theme.critical))
        return item

    def row_texts(self, row: int) -> list[str]:
        items = (self.item(row, column) for column in range(self.columnCount()))
        return [item.text() if item is not None else "" for item in items]
