"""Screenshots of the Tests page in the real window under Xvfb (1920x1080), light and dark: a cooling
test mid-run with its phases shaded, and its result card. Saved to test-artifacts/ for review."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QColor, QImage

from tests.ui.test_screenshots import ARTIFACTS, BACKGROUND, xvfb_display  # noqa: F401 (the fixture)


def _assert_a_full_window(path, theme: str) -> None:
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1920, 1080)
    assert image.pixelColor(1900, 1060).name() == QColor(BACKGROUND[theme]).name(), f"the {theme} theme"
    colours = {image.pixel(x, y) for x in range(0, 1920, 7) for y in range(0, 1080, 7)}
    assert len(colours) > 20, "graphs and text, not a blank surface"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_of_a_cooling_test_running_and_its_result(xvfb_display: str, theme: str) -> None:  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    running, result = ARTIFACTS / f"tests-page-running-{theme}.png", ARTIFACTS / f"tests-page-result-{theme}.png"
    for shot in (running, result):
        shot.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = xvfb_display
    command = [sys.executable, "-m", "tests.ui.pages.tests.shoot_tests_page", theme, str(running), str(result)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr
    for shot in (running, result):
        _assert_a_full_window(shot, theme)
