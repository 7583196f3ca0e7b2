"""Blocks flowed onto A4 pages, each with the machine's name in its header and "Page N of M" below.

The layout is done first (so the number of pages is known for every footer), then each page is
drawn. Sizes are in points; the caller's painter maps one unit to one point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from app.ui.report.blocks import MUTED, RULE, SMALL, Block, draw_text, font

A4_PT = (595.276, 841.89)  # 210 x 297 mm
MARGIN_PT = 42.0  # about 15 mm
HEADER_PT = 22.0
FOOTER_PT = 20.0


@dataclass(frozen=True)
class Frame:
    """What every page carries besides its blocks: header texts left and right, footer left."""

    header_left: str
    header_right: str
    footer_left: str


@dataclass(frozen=True)
class Placed:
    """A block at its vertical place on its page."""

    block: Block
    y: float


def body_top() -> float:
    return MARGIN_PT + HEADER_PT


def body_bottom() -> float:
    return A4_PT[1] - MARGIN_PT - FOOTER_PT


def body_width() -> float:
    return A4_PT[0] - 2 * MARGIN_PT


def paginate(painter: QPainter, blocks: Sequence[Block]) -> list[list[Placed]]:
    """Blocks flowed top to bottom onto pages; a block that would cross the foot starts a new page,
    and so does a run of keep-with-next blocks (a heading and its first row) that would."""
    pages: list[list[Placed]] = [[]]
    y, width = body_top(), body_width()
    heights = [block.height(painter, width) for block in blocks]
    for index, block in enumerate(blocks):
        needed = _run_height(blocks, heights, index)
        if y + needed > body_bottom() and pages[-1]:
            pages.append([])
            y = body_top()
        pages[-1].append(Placed(block, y))
        y += heights[index]
    return pages


def _run_height(blocks: Sequence[Block], heights: Sequence[float], index: int) -> float:
    """The height of the block at `index` plus those it must stay with (up to 3 following)."""
    total, last = heights[index], index
    while blocks[last].keep_with_next and last + 1 < len(blocks) and last - index < 3:
        last += 1
        total += heights[last]
    return total


def draw_pages(
    painter: QPainter, pages: Sequence[Sequence[Placed]], frame: Frame, next_page: Callable[[], object]
) -> None:
    """Draw every page: its frame, then its blocks; `next_page()` is called between pages."""
    for number, page in enumerate(pages, start=1):
        if number > 1:
            next_page()
        draw_page(painter, page, frame, number, len(pages))


def draw_page(painter: QPainter, page: Sequence[Placed], frame: Frame, number: int, count: int) -> None:
    """One page: the frame with "Page `number` of `count`", then the page's blocks."""
    draw_frame(painter, frame, number, count)
    for placed in page:
        placed.block.draw(painter, MARGIN_PT, placed.y, body_width())


def draw_frame(painter: QPainter, frame: Frame, number: int, count: int) -> None:
    """The header (machine name left, marks right, a rule) and the footer (program, page number)."""
    small = font(SMALL)
    width = body_width()
    top = QRectF(MARGIN_PT, MARGIN_PT, width, HEADER_PT - 6)
    draw_text(painter, frame.header_left, font(SMALL, bold=True), top, MUTED)
    painter.setFont(font(SMALL, bold=True))
    painter.setPen(QColor("#b45309"))
    painter.drawText(top, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), frame.header_right)
    painter.setPen(QPen(QColor(RULE), 0.6))
    painter.drawLine(top.bottomLeft(), top.bottomRight())
    foot = QRectF(MARGIN_PT, A4_PT[1] - MARGIN_PT - FOOTER_PT + 8, width, FOOTER_PT - 8)
    painter.drawLine(foot.topLeft(), foot.topRight())
    draw_text(painter, frame.footer_left, small, foot.adjusted(0, 3, 0, 0), MUTED)
    painter.setFont(small)
    painter.setPen(QColor(MUTED))
    painter.drawText(
        foot.adjusted(0, 3, 0, 0),
        int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
        f"Page {number} of {count}",
    )
