"""A Tests page over the demo GPUs' inventory, with a fake runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from app.core.engine import Engine, EngineOptions
from app.core.inventory import Inventory
from app.core.settings import Settings
from app.ui.pages.base import PageContext
from app.ui.pages.tests.page import TestsPage
from app.ui.theme import LIGHT, Theme
from tests.ui.pages.tests.fakes import FakeRunner


@pytest.fixture(scope="module")
def demo_inventory() -> Inventory:
    """The two default demo GPUs (RTX 4090, RTX 3090), SIMULATED."""
    with Engine(EngineOptions(demo="")) as engine:
        return engine.inventory()


@pytest.fixture
def make_page(qtbot, demo_inventory: Inventory) -> Iterator[Callable[..., TestsPage]]:
    pages: list[TestsPage] = []

    def make(runner: FakeRunner | None = None, inventory: Inventory | None = None, theme: Theme = LIGHT) -> TestsPage:
        context = PageContext(inventory or demo_inventory, theme, Settings())
        page = TestsPage(context, runner=runner or FakeRunner())
        qtbot.addWidget(page)
        page.resize(1400, 1000)
        page.show()
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.shutdown()
