"""write_pdf: the report as an A4 PDF whose text pdftotext reads back, with a header and page numbers on every page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

from app.ui.report.blocks import Heading
from app.ui.report_pdf import write_pdf
from tests.ui.report.conftest import need, pdf_info, pdf_pages_text

REPO = Path(__file__).parents[3]
EXAMPLE_HEADINGS = (
    "Summary",
    "Machine",
    "GPUs",
    "Software stack",
    "Stress and cooling tests",
    "History",
    "Project plans",
)


def _written(document: dict[str, Any], tmp_path: Path, name: str = "report.pdf") -> Path:
    out = tmp_path / name
    write_pdf(document, out)
    assert out.read_bytes().startswith(b"%PDF-")
    return out


def test_the_example_prints_on_a4_with_every_section_heading_as_searchable_text(example, tmp_path) -> None:
    out = _written(example, tmp_path)
    assert pdf_info(out)["Page size"].startswith("595 x 842 pts (A4)")  # 210 x 297 mm
    text = "\n".join(pdf_pages_text(out))
    lines = {line.strip() for line in text.splitlines()}
    for heading in EXAMPLE_HEADINGS:  # the example's sections[].title
        assert heading in lines, f"heading {heading!r} on a line of its own"
    # Values from the example, as words pdftotext finds (no "ﬁ" ligature glyphs in place of "fi").
    for words in ("fine-tunes up to 3B with LoRA", "AMD Ryzen 9 7950X", "95.02.3C.40.D1", "sudo nvidia-smi -pm 1"):
        assert words in text


def test_every_page_has_the_machine_name_in_its_header_and_page_n_of_m_in_its_footer(example, tmp_path) -> None:
    pages = pdf_pages_text(_written(example, tmp_path))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert "workstation-7" in lines[0], f"page {number}'s first line is its header"
        assert f"Page {number} of {len(pages)}" in lines[-1], f"page {number}'s last line is its footer"


def test_the_header_names_the_machine_even_when_the_title_does_not(example, tmp_path) -> None:
    document = dict(example, title="System report", machine=dict(example["machine"], hostname="lab-gpu-3"))
    pages = pdf_pages_text(_written(document, tmp_path))
    assert all("lab-gpu-3" in page.splitlines()[0] for page in pages)


def test_a_long_history_table_flows_onto_further_pages_each_with_header_and_number(example, tmp_path) -> None:
    metric = example["history"]["metrics"][0]
    example["history"]["metrics"] = [dict(metric, name=f"m{i}", label=f"metric number {i}") for i in range(150)]
    pages = pdf_pages_text(_written(example, tmp_path))
    # 150 rows of about 15 pt on pages with about 730 pt for the body: at least 3 pages more than the example's 3.
    assert len(pages) >= 6
    text = "\n".join(pages)
    assert all(f"metric number {i} " in text for i in range(150)), "no row lost at a page break"
    for number, page in enumerate(pages, start=1):
        assert "workstation-7" in page.splitlines()[0]
        assert f"Page {number} of {len(pages)}" in page


def test_a_heading_is_never_left_alone_at_the_foot_of_a_page(example) -> None:
    from PySide6.QtGui import QPainter

    from app.ui.report.pages import paginate
    from app.ui.report.sections import document_blocks

    metric = example["history"]["metrics"][0]
    example["history"]["metrics"] = [dict(metric, name=f"m{i}") for i in range(60)]
    image = QImage(100, 100, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    pages = paginate(painter, document_blocks(example))
    painter.end()
    assert len(pages) >= 4
    for page in pages[:-1]:
        assert not isinstance(page[-1].block, Heading), f"{page[-1].block} ends a page"


def test_simulated_is_marked_on_every_page_and_absent_for_real_hardware(example, tmp_path) -> None:
    pages = pdf_pages_text(_written(example, tmp_path, "simulated.pdf"))
    assert all("SIMULATED" in page.splitlines()[0] for page in pages), "the header of every page says SIMULATED"
    real = dict(example, simulated=False)
    real["gpus"] = [dict(example["gpus"][0], name="NVIDIA GeForce RTX 4090", uuid="GPU-5e1f", simulated=False)]
    real["tests"] = {kind: [dict(r, simulated=False) for r in results] for kind, results in example["tests"].items()}
    assert "SIMULATED" not in "\n".join(pdf_pages_text(_written(real, tmp_path, "real.pdf")))


def test_a_redacted_report_says_so_on_every_page(example, tmp_path) -> None:
    pages = pdf_pages_text(_written(dict(example, redacted=True), tmp_path))
    assert all("REDACTED" in page.splitlines()[0] for page in pages)
    assert "REDACTED" not in "\n".join(pdf_pages_text(_written(example, tmp_path, "plain.pdf")))


def test_nulls_print_as_n_a_with_their_reason_and_nothing_breaks(example, tmp_path) -> None:
    gpu = {key: None for key in example["gpus"][0]}
    gpu["index"] = 0
    document = dict(
        example,
        summary=None,
        machine=None,
        gpus=[gpu],
        software={"overall": None, "facts": None, "findings": None},
        tests=None,
        history={
            "metrics": [
                {
                    "name": "gpu0.power_w",
                    "label": "GPU 0 power",
                    "unit": "W",
                    "min": None,
                    "mean": None,
                    "max": None,
                    "samples": 0,
                }
            ],
            "alerts": None,
        },
        plans=None,
        graphs=[
            {
                "id": "empty",
                "section": "history",
                "title": "GPU 0 power",
                "unit": "W",
                "series": [{"label": "GPU 0", "t": [1.0, 2.0], "v": [None, None]}],
                "bands": None,
                "thresholds": None,
            }
        ],
        missing={"gpus[0].vbios": "NVML: not supported", "machine": "psutil failed"},
        period=None,
        program_version=None,
    )
    text = "\n".join(pdf_pages_text(_written(document, tmp_path)))
    assert "n/a (NVML: not supported)" in text
    assert "n/a (psutil failed)" in text
    assert "no readings in this period" in text
    for heading in EXAMPLE_HEADINGS:
        assert heading in text


def test_a_section_this_renderer_does_not_know_is_still_printed(example, tmp_path) -> None:
    document = dict(
        example,
        sections=[*example["sections"], {"id": "fleet", "title": "Fleet"}],
        fleet={"machines": 3, "names": ["a", "b"]},
    )
    text = "\n".join(pdf_pages_text(_written(document, tmp_path)))
    assert "Fleet" in text and "machines" in text and "a, b" in text


def test_graphs_are_drawn_on_the_page(example, tmp_path) -> None:
    """pdftoppm draws the page with the cooling test's graph: its line and bands are there in colour."""
    need("pdftoppm")
    out = _written(example, tmp_path)
    pages = pdf_pages_text(out)
    number = next(i for i, page in enumerate(pages, start=1) if "Cooling test gpu0: temperature" in page)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", str(number), "-l", str(number), str(out), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    image = QImage(str(next(tmp_path.glob("page*.png"))))
    colours = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    blue_line = sum(c.blue() > 150 and c.red() < 80 for c in colours)
    band_fill = sum(c.red() > 240 and c.green() > 200 and c.blue() < 160 for c in colours)  # the amber "load" band
    assert blue_line > 40 and band_fill > 1000


def test_write_pdf_works_with_no_display_and_no_qapplication(tmp_path) -> None:
    """As `aiwm report --format pdf` over SSH: no DISPLAY, no QT_QPA_PLATFORM, no application yet."""
    out = tmp_path / "ssh.pdf"
    script = (
        "import json, sys; from pathlib import Path; from PySide6.QtGui import QGuiApplication\n"
        "assert QGuiApplication.instance() is None\n"
        "from app.ui.report_pdf import write_pdf\n"
        "write_pdf(json.loads(Path('tests/data/report/example_report.json').read_text()), Path(sys.argv[1]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [sys.executable, "-c", script, str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Summary" in "\n".join(pdf_pages_text(out))
