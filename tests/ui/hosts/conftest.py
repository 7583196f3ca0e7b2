"""Fixtures for the Hosts page: the page over fake remote hosts, shut down after the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.fleet.watch import Fleet
from app.ui.pages.hosts.page import HostsPage
from app.ui.theme import LIGHT
from tests.fleet.fake_remote import FakeHosts
from tests.ui.test_screenshots import xvfb_display  # noqa: F401  (the Xvfb fixture, for test_screenshots.py here)


class Clock:
    """A monotonic clock the test moves by hand (the retry countdown)."""

    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_page(qtbot, tmp_path: Path, clock: Clock) -> Iterator[Callable[..., tuple[HostsPage, FakeHosts]]]:
    """A shown Hosts page whose hosts are fakes; `hosts_file` defaults to one in tmp_path."""
    pages: list[HostsPage] = []

    def make(hosts_file: Path | None = None) -> tuple[HostsPage, FakeHosts]:
        hosts = FakeHosts()
        page = HostsPage(Fleet(hosts, clock=clock), LIGHT, 600.0, hosts_file or tmp_path / "hosts.json", clock)
        qtbot.addWidget(page)
        page.resize(1500, 900)
        page.show()
        pages.append(page)
        return page, hosts

    yield make
    for page in pages:
        page.shutdown()
        assert not page.timer.isActive()
