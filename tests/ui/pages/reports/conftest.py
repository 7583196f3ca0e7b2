"""A Reports page over fakes: a builder that records its options, a writer, a save dialog and a file manager."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from app.core.sampling.history import History
from app.report.build import ReportOptions
from app.ui.pages.reports.page import ReportsPage
from app.ui.theme import LIGHT
from tests.ui.test_screenshots import xvfb_display  # noqa: F401  (the Xvfb fixture, for test_screenshots.py here)

EXAMPLE = Path(__file__).parents[3] / "data" / "report" / "example_report.json"


def example_document() -> dict[str, Any]:
    return copy.deepcopy(json.loads(EXAMPLE.read_text(encoding="utf-8")))


class FakeBuild:
    """Records (options, history) of each call; answers the example document or raises `error`."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.calls: list[tuple[ReportOptions, History | None]] = []
        self.error = error

    def __call__(self, options: ReportOptions, history: History | None) -> dict[str, Any]:
        self.calls.append((options, history))
        if self.error is not None:
            raise self.error
        return example_document()


class FakeWrite:
    """Like write_report: never over an existing file (exclusive creation); records each call."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.calls: list[tuple[str, str, Path]] = []
        self.error = error

    def __call__(self, document: dict[str, Any], fmt: str, path: Path) -> None:
        self.calls.append((document["title"], fmt, path))
        if self.error is not None:
            raise self.error
        with path.open("x", encoding="utf-8") as out:
            out.write(f"{fmt}:{document['title']}")


def two_blank_pages(document: dict[str, Any]) -> list[QImage]:
    images = [QImage(595, 842, QImage.Format.Format_RGB32) for _ in range(2)]
    for image in images:
        image.fill(QColor("white"))
    return images


class Picks:
    """The save dialog's answers, and the folders "Open folder" was asked to show."""

    def __init__(self, answer: tuple[Path, bool] | None) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str]] = []
        self.opened: list[Path] = []

    def choose(self, parent: object, suggested: str, file_filter: str) -> tuple[Path, bool] | None:
        self.asked.append((suggested, file_filter))
        return self.answer

    def open_folder(self, folder: Path) -> None:
        self.opened.append(folder)


@pytest.fixture
def make_page(qtbot) -> Iterator[Callable[..., ReportsPage]]:
    pages: list[ReportsPage] = []

    def make(
        build=None, write=None, picks: Picks | None = None, history: History | None = None, preview=two_blank_pages
    ) -> ReportsPage:
        picks = picks or Picks(None)
        page = ReportsPage(
            LIGHT, build or FakeBuild(), write or FakeWrite(), preview, lambda: history, picks.choose, picks.open_folder
        )
        qtbot.addWidget(page)
        page.resize(1400, 900)
        page.show()
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.wait(10)


def wait_until_idle(qtbot, page: ReportsPage) -> None:
    assert page.busy, "work was started"
    qtbot.waitUntil(lambda: not page.busy, timeout=10000)
