"""GUI tests: pytest-qt on the offscreen platform; Qt warnings fail a test (pyproject: qt_log_level_fail)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator

import pytest

from app.core.engine import Engine, EngineOptions
from app.core.sampling.live import LiveSession
from app.core.settings import Settings
from app.ui.main_window import MainWindow
from app.ui.theme import LIGHT


@pytest.fixture
def make_window(qtbot) -> Iterator[Callable[..., MainWindow]]:
    """A real main window over a simulated engine; shut down (threads, timers) after the test."""
    windows: list[MainWindow] = []

    def make(
        demo: str = "", time_scale: float = 60.0, settings: Settings | None = None, start: bool = True
    ) -> MainWindow:
        settings = settings or Settings()
        live = LiveSession(Engine(EngineOptions(demo=demo, time_scale=time_scale)), settings.alerts)
        window = MainWindow(live, settings, LIGHT)
        qtbot.addWidget(window)
        window.resize(1600, 1000)
        if start:
            live.start()
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.shutdown()
        assert not window.redraw_timer.isActive()
