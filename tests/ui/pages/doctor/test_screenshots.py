"""Screenshots of the real window on the Doctor page under Xvfb, light and dark, saved to test-artifacts/.

Like tests/ui/test_screenshots.py (whose Xvfb fixture this uses): the real xcb platform, 1920x1080.
The page shows reports.FAILING (an RTX 5090 with PyTorch 2.5.1+cu124); look at the PNGs when the
page changes: no text cut off, readable in both themes.
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
def test_screenshot_of_the_doctor_page_with_a_failing_machine(xvfb_display: str, theme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"doctor-{theme}.png"
    shot.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = xvfb_display
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.pages.doctor.shoot_doctor", theme, str(shot)],
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
    # The FAIL badge and the failed finding's stripe are drawn in the theme's critical colour.
    assert _count_pixels(image, THEMES[theme].critical) > 200
