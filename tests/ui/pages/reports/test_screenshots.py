"""Screenshots of the real window on the Reports page under Xvfb, light and dark, saved to test-artifacts/.

Like tests/ui/test_screenshots.py (whose Xvfb fixture this uses): the real xcb platform, 1920x1080.
The page previews the example report (tests/data/report/example_report.json); look at the PNGs
when the page changes: the choices readable, the printed pages legible, the graphs drawn.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QColor, QImage

from app.ui.theme import DARK, LIGHT
from tests.ui.test_screenshots import ARTIFACTS

THEMES = {"light": LIGHT, "dark": DARK}


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_of_the_reports_page_with_the_example_previewed(xvfb_display: str, theme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"reports-{theme}.png"
    shot.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = xvfb_display
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.pages.reports.shoot_reports", theme, str(shot)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
        cwd=ARTIFACTS.parent,
    )
    assert done.returncode == 0, done.stderr
    assert "saved screenshot" in done.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1920, 1080)
    assert image.pixelColor(1900, 1060).name() == QColor(THEMES[theme].window).name(), "the window's background"
    # The preview's pages are white paper in both themes: a large white area right of the choices.
    white = sum(image.pixelColor(x, y).name() == "#ffffff" for x in range(700, 1500, 10) for y in range(200, 1000, 10))
    assert white > 3000
