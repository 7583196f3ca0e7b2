"""The pieces a report page is made of: headings, paragraphs, banners, table rows, graphs.

Every size is in points (1/72 inch): the PDF writer and the preview images are both set up so
that one painter unit is one point and a font's point size means the same on both. A block
measures itself with the painter it will be drawn by, so the layout matches the drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

FONT_FAMILY = "DejaVu Sans"
TEXT = "#111827"
MUTED = "#4b5563"
RULE = "#c7cbd1"
SHADE = "#eef0f3"
CELL_PAD_PT = 3.0
WRAP = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignTop)


def font(size_pt: float, bold: bool = False) -> QFont:
    """The report's font at `size_pt` points."""
    chosen = QFont(FONT_FAMILY)
    chosen.setPointSizeF(size_pt)
    chosen.setBold(bold)
    for ligature in ("liga", "clig"):  # "ﬁ" as one glyph: pdftotext and search would not find "fi"
        chosen.setFeature(QFont.Tag(ligature), 0)
    return chosen


BODY = 8.5
SMALL = 7.0


class Block(Protocol):
    """One piece of the flow: it knows its height at a width and draws itself at a place."""

    keep_with_next: bool

    def height(self, painter: QPainter, width: float) -> float: ...

    def draw(self, painter: QPainter, x: float, y: float, width: float) -> None: ...


def text_height(painter: QPainter, text: str, qfont: QFont, width: float) -> float:
    painter.setFont(qfont)
    return painter.boundingRect(QRectF(0, 0, max(width, 1.0), 1e6), WRAP, text).height()


def draw_text(painter: QPainter, text: str, qfont: QFont, rect: QRectF, color: str = TEXT) -> None:
    painter.setFont(qfont)
    painter.setPen(QColor(color))
    painter.drawText(rect, WRAP, text)


@dataclass
class Heading:
    """A section heading (level 1) or a sub-heading (level 2); never left alone at a page's foot."""

    text: str
    level: int = 1
    keep_with_next: bool = True

    @property
    def _font(self) -> QFont:
        return font(14 if self.level == 1 else 10.5, bold=True)

    @property
    def _space_above(self) -> float:
        return 10.0 if self.level == 1 else 6.0

    def height(self, painter: QPainter, width: float) -> float:
        rule = 4.0 if self.level == 1 else 0.0
        return self._space_above + text_height(painter, self.text, self._font, width) + rule + 3.0

    def draw(self, painter: QPainter, x: float, y: float, width: float) -> None:
        top = y + self._space_above
        high = text_height(painter, self.text, self._font, width)
        draw_text(painter, self.text, self._font, QRectF(x, top, width, high))
        if self.level == 1:
            painter.setPen(QPen(QColor(RULE), 0.8))
            painter.drawLine(
                QRectF(x, top, width, high + 2).bottomLeft(), QRectF(x, top, width, high + 2).bottomRight()
            )


@dataclass
class Paragraph:
    """Wrapped text; `bold`, `muted` and `indent_pt` for emphasis, notes and bullet lists."""

    text: str
    bold: bool = False
    muted: bool = False
    indent_pt: float = 0.0
    size_pt: float = BODY
    keep_with_next: bool = False

    def height(self, painter: QPainter, width: float) -> float:
        return text_height(painter, self.text, font(self.size_pt, self.bold), width - self.indent_pt) + 2.0

    def draw(self, painter: QPainter, x: float, y: float, width: float) -> None:
        inner = width - self.indent_pt
        high = text_height(painter, self.text, font(self.size_pt, self.bold), inner)
        rect = QRectF(x + self.indent_pt, y, inner, high)
        draw_text(painter, self.text, font(self.size_pt, self.bold), rect, MUTED if self.muted else TEXT)


@dataclass
class Banner:
    """A coloured box with bold text: the SIMULATED and REDACTED marks, and an overall verdict."""

    text: str
    color: str
    keep_with_next: bool = False

    def height(self, painter: QPainter, width: float) -> float:
        return text_height(painter, self.text, font(BODY, True), width - 12) + 10.0

    def draw(self, painter: QPainter, x: float, y: float, width: float) -> None:
        high = self.height(painter, width) - 4.0
        painter.fillRect(QRectF(x, y, width, high), QColor(self.color))
        draw_text(painter, self.text, font(BODY, True), QRectF(x + 6, y + 3, width - 12, high - 6), "#ffffff")


@dataclass
class TableRow:
    """One row of a table: cells side by side in columns of `widths` (fractions of the width)."""

    cells: Sequence[str]
    widths: Sequence[float]
    header: bool = False
    shaded: bool = False
    keep_with_next: bool = False

    def _columns(self, x: float, width: float) -> list[tuple[float, float]]:
        total = sum(self.widths)
        columns, left = [], x
        for share in self.widths:
            columns.append((left, width * share / total))
            left += width * share / total
        return columns

    def height(self, painter: QPainter, width: float) -> float:
        qfont = font(BODY, self.header)
        cells = zip(self.cells, self._columns(0, width), strict=True)
        return max(text_height(painter, text, qfont, w - 2 * CELL_PAD_PT) for text, (_, w) in cells) + 2 * CELL_PAD_PT

    def draw(self, painter: QPainter, x: float, y: float, width: float) -> None:
        high = self.height(painter, width)
        if self.header or self.shaded:
            painter.fillRect(QRectF(x, y, width, high), QColor(SHADE))
        for text, (left, w) in zip(self.cells, self._columns(x, width), strict=True):
            rect = QRectF(left + CELL_PAD_PT, y + CELL_PAD_PT, w - 2 * CELL_PAD_PT, high - 2 * CELL_PAD_PT)
            draw_text(painter, text, font(BODY, self.header), rect)
        painter.setPen(QPen(QColor(RULE), 0.5))
        painter.drawLine(QRectF(x, y, width, high).bottomLeft(), QRectF(x, y, width, high).bottomRight())


@dataclass
class Drawing:
    """A fixed-height picture drawn by `paint(painter, rect)`: the graphs."""

    paint: Callable[[QPainter, QRectF], None]
    height_pt: float
    keep_with_next: bool = False

    def height(self, painter: QPainter, width: float) -> float:
        return self.height_pt

    def draw(self, painter: QPainter, x: float, y: float, width: float) -> None:
        self.paint(painter, QRectF(x, y + 4, width, self.height_pt - 8))


@dataclass
class Spacer:
    """Blank space between groups."""

    height_pt: float
    keep_with_next: bool = False

    def height(self, painter: QPainter, width: float) -> float:
        return self.height_pt

    def draw(self, painter: QPainter, x: float, y: float, width: float) -> None:
        """Nothing to draw: the space is the point."""


@dataclass
class Table:
    """Rows under a header row, alternately shaded, as blocks for the flow."""

    header: Sequence[str]
    widths: Sequence[float]
    rows: Sequence[Sequence[str]] = ()

    def blocks(self) -> list[Block]:
        head: list[Block] = (
            [TableRow(self.header, self.widths, header=True, keep_with_next=True)] if self.header else []
        )
        body: list[Block] = [TableRow(r, self.widths, shaded=i % 2 == 1) for i, r in enumerate(self.rows)]
        return [*head, *body, Spacer(6)]
