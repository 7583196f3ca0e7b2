"""The report (`aiwm.report/1`) as an A4 PDF made with Qt: QPdfWriter and QPainter, no browser engine.

Text is drawn as text (searchable, copyable); graphs are drawn as vectors from the document's
graph spec. Every page has the machine's name in its header (with SIMULATED / REDACTED marks)
and "Page N of M" in its footer. The same layout draws the window's preview images.

`aiwm report --format pdf` runs over SSH with no display and no QApplication: `write_pdf` makes a
QGuiApplication itself (on the offscreen platform when there is no display).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QSize, QSizeF
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from app.ui.report.pages import A4_PT, Frame, draw_page, draw_pages, paginate
from app.ui.report.sections import document_blocks
from app.ui.utf8_locale import use_utf8_locale

POINTS_PER_INCH = 72
_app: QGuiApplication | None = None  # the application write_pdf made, kept alive for later calls


def ensure_gui_application() -> None:
    """Qt needs a QGuiApplication for fonts; make one when the caller (the command line) has none."""
    global _app
    if QGuiApplication.instance() is not None:
        return
    no_display = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if no_display and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    use_utf8_locale()  # else Qt switches a non-UTF-8 locale itself and prints a warning
    _app = QGuiApplication(["aiwm"])


def frame_of(document: dict[str, Any]) -> Frame:
    """The header and footer texts: the machine's name, the marks, the program and the time."""
    machine = document.get("machine")
    hostname = machine.get("hostname") if isinstance(machine, dict) else None
    title = str(document.get("title") or "System report")
    left = title if hostname and str(hostname) in title else f"{title}: {hostname}" if hostname else title
    marks = [mark for mark, key in (("SIMULATED", "simulated"), ("REDACTED", "redacted")) if document.get(key)]
    version, generated = document.get("program_version") or "n/a", document.get("generated_at") or "n/a"
    return Frame(left, "  ".join(marks), f"aiwm {version} · generated {generated} (UTC)")


def write_pdf(document: dict[str, Any], path: Path) -> None:
    """Write `document` as an A4 PDF to `path` (replacing what is there: the caller, write_report,
    hands a fresh temporary path and renames it into place)."""
    ensure_gui_application()
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF()))
    writer.setResolution(POINTS_PER_INCH)  # one painter unit = one point, the unit of the layout
    writer.setTitle(str(document.get("title") or "System report"))
    writer.setCreator(f"aiwm {document.get('program_version') or ''}".strip())
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write a PDF to {path}")
    try:
        pages = paginate(painter, document_blocks(document))
        draw_pages(painter, pages, frame_of(document), writer.newPage)
    finally:
        painter.end()


def render_page_images(document: dict[str, Any], scale: float = 1.5) -> list[QImage]:
    """Every page as an image at `scale` pixels per point (the window's preview); safe off the GUI thread."""
    ensure_gui_application()
    size = QSizeF(A4_PT[0] * scale, A4_PT[1] * scale).toSize()
    painter = QPainter(measure := _page_image(size))
    painter.scale(scale, scale)
    pages = paginate(painter, document_blocks(document))
    painter.end()
    del measure
    images = []
    for number, page in enumerate(pages, start=1):
        image = _page_image(size)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        draw_page(painter, page, frame_of(document), number, len(pages))
        painter.end()
        images.append(image)
    return images


def _page_image(size: QSize) -> QImage:
    """A white page whose fonts map one point to one pixel before the painter's scale."""
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    dots_per_meter = round(POINTS_PER_INCH / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    return image
