"""Screenshots of the real window on the Hosts page under Xvfb, saved to test-artifacts/.

Like tests/ui/test_screenshots.py (whose Xvfb fixture this uses): the real xcb platform, 1920x1080.
hosts-overview-THEME.png: three hosts (streaming 2 simulated GPUs, retrying, failed with advice);
hosts-opened-THEME.png: the streaming host's Dashboard after a 4 s drop (a gap in its graphs).
Look at the PNGs when the page changes: no text cut off, readable in both themes.
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


def _count_pixels(image: QImage, color: str) -> int:
    rgb = QColor(color).rgb()
    return sum(image.pixel(x, y) == rgb for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_of_the_fleet_overview_and_an_opened_host(xvfb_display: str, theme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    overview, opened = ARTIFACTS / f"hosts-overview-{theme}.png", ARTIFACTS / f"hosts-opened-{theme}.png"
    for shot in (overview, opened):
        shot.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "AIWM_HOME")}
    env["DISPLAY"] = xvfb_display
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.hosts.shoot_hosts", theme, str(overview), str(opened)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
        cwd=ARTIFACTS.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("saved screenshot") == 2
    for shot in (overview, opened):
        image = QImage(str(shot))
        assert (image.width(), image.height()) == (1920, 1080)
        assert image.pixelColor(1900, 1060).name() == QColor(THEMES[theme].window).name(), "the window's background"
    # The failed host's problem line is in the theme's critical colour; the opened host's banner in SIMULATED's.
    assert _count_pixels(QImage(str(overview)), THEMES[theme].critical) > 10
    assert _count_pixels(QImage(str(opened)), THEMES[theme].simulated) > 5000
