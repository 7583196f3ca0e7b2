"""Pagination cases the first tests left open, found by planting bugs in app/ui/report: a heading
kept with what follows it however the rows fall, and the preview's "Page N of M" like the PDF's."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QImage, QPainter

from app.ui import report_pdf
from app.ui.report.blocks import Heading
from app.ui.report.pages import paginate
from app.ui.report.sections import document_blocks


@pytest.mark.parametrize("rows", range(20, 81))
def test_no_page_ends_with_a_heading_wherever_the_rows_fall(example: dict[str, Any], rows: int) -> None:
    metric = example["history"]["metrics"][0]
    example["history"]["metrics"] = [dict(metric, name=f"m{i}") for i in range(rows)]
    example["plans"] = example["plans"] * 3  # more headings late in the document
    image = QImage(100, 100, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    pages = paginate(painter, document_blocks(example))
    painter.end()
    for page in pages[:-1]:
        assert not isinstance(page[-1].block, Heading), f"{page[-1].block} ends a page ({rows} rows)"


def test_the_preview_numbers_its_pages_n_of_m(example: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int, str]] = []
    real = report_pdf.draw_page

    def recording(painter: Any, page: Any, frame: Any, number: int, count: int) -> None:
        seen.append((number, count, frame.header_left))
        real(painter, page, frame, number, count)

    monkeypatch.setattr(report_pdf, "draw_page", recording)
    images = report_pdf.render_page_images(example, scale=0.5)
    count = len(images)
    assert count >= 2
    assert [(n, c) for n, c, _ in seen] == [(n, count) for n in range(1, count + 1)]
    assert all("workstation-7" in header for _, _, header in seen)


def test_every_pages_footer_names_the_program_version_and_when_it_was_made(
    example: dict[str, Any], tmp_path: Any
) -> None:
    from tests.ui.report.conftest import pdf_pages_text

    out = tmp_path / "r.pdf"
    report_pdf.write_pdf(example, out)
    pages = pdf_pages_text(out)
    version, generated = example["program_version"], example["generated_at"]
    for page in pages:
        footer = [line for line in page.splitlines() if line.strip()][-1]
        assert f"aiwm {version}" in footer and generated in footer, footer
