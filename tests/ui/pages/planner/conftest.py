"""A Planner page over a fake planner engine (fake_planner.py), shown, and waited for after the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest

from app.core.gpu.records import GpuInfo
from app.ui.pages.planner.page import PlannerPage
from app.ui.theme import LIGHT
from tests.ui.pages.planner.fake_planner import RTX_4090, FakePlanner
from tests.ui.test_screenshots import xvfb_display  # noqa: F401  (the Xvfb fixture, for test_screenshots.py here)


@pytest.fixture
def make_page(qtbot) -> Iterator[Callable[..., PlannerPage]]:
    """A shown Planner page over `planner`; planning still under way is waited for after the test."""
    pages: list[PlannerPage] = []

    def make(planner: FakePlanner, gpus: Sequence[GpuInfo] = (RTX_4090,), simulated: bool = True) -> PlannerPage:
        page = PlannerPage(LIGHT, planner, gpus, simulated)
        qtbot.addWidget(page)
        page.resize(1400, 900)
        page.show()
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.wait(10)
