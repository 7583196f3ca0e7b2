"""A Doctor page over a fake diagnosis that records what it was asked and answers from a script."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.doctor.records import DoctorReport
from app.ui.pages.doctor.page import DoctorPage
from app.ui.theme import LIGHT
from tests.ui.test_screenshots import xvfb_display  # noqa: F401  (the Xvfb fixture, for test_screenshots.py here)

CHECKED_AT = datetime(2026, 11, 28, 14, 23, 5, tzinfo=UTC)


class FakeDiagnose:
    """Answers each call with the next of `answers` (the last one again when they run out); an
    exception among them is raised. Records the environments of every call."""

    def __init__(self, *answers: DoctorReport | BaseException) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[Path, ...]] = []

    def __call__(self, environments: Sequence[Path]) -> DoctorReport:
        self.calls.append(tuple(environments))
        answer = self.answers[min(len(self.calls), len(self.answers)) - 1]
        if isinstance(answer, BaseException):
            raise answer
        return answer


@pytest.fixture
def make_page(qtbot) -> Iterator[Callable[..., DoctorPage]]:
    """A Doctor page on `diagnose`, not yet shown; any diagnosis still running is waited for after the test."""
    pages: list[DoctorPage] = []

    def make(diagnose: Callable[[Sequence[Path]], DoctorReport]) -> DoctorPage:
        page = DoctorPage(LIGHT, diagnose, now=lambda: CHECKED_AT)
        qtbot.addWidget(page)
        page.resize(1400, 900)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.wait(10)


def show_and_wait(qtbot, page: DoctorPage) -> None:
    """Show the page (which starts its first check) and wait until that check's answer is shown."""
    page.show()
    wait_for_answer(qtbot, page)


def wait_for_answer(qtbot, page: DoctorPage) -> None:
    """The button is disabled when a check starts and enabled again once its result or failure is shown."""
    assert not page.rerun_button.isEnabled(), "a check is under way"
    qtbot.waitUntil(page.rerun_button.isEnabled, timeout=5000)
