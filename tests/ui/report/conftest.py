"""Report PDF tests: the agreed example document, and the PDF read back with poppler's tools."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).parents[2] / "data" / "report" / "example_report.json"


@pytest.fixture
def example() -> dict[str, Any]:
    """A fresh copy of tests/data/report/example_report.json (the contract's complete example)."""
    return copy.deepcopy(json.loads(EXAMPLE.read_text(encoding="utf-8")))


def need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (apt-get install poppler-utils); .ci/run installs it")


def pdf_pages_text(pdf: Path) -> list[str]:
    """The text of each page as pdftotext extracts it (pages end with a form feed)."""
    need("pdftotext")
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    )
    pages = done.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_info(pdf: Path) -> dict[str, str]:
    need("pdfinfo")
    done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60)
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in done.stdout.splitlines())}


@pytest.fixture(autouse=True)
def _application(qapp) -> None:
    """Fonts need a Qt application: pytest-qt's session one (write_pdf makes its own only where none exists)."""
