"""Screenshots of the real window on the Planner page under Xvfb, light and dark, saved to test-artifacts/.

Like tests/ui/test_screenshots.py (whose Xvfb fixture this uses): the real xcb platform, 1920x1080.
The page shows plans.LORA_PLAN (Llama-3.1-8B LoRA on a simulated RTX 4090); look at the PNGs when
the page changes: no text cut off, readable in both themes.
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
def test_screenshot_of_the_planner_page_with_a_llama_lora_plan(xvfb_display: str, theme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"planner-{theme}.png"
    shot.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = xvfb_display
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.pages.planner.shoot_planner", theme, str(shot)],
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
    # The SIMULATED banners are drawn in the theme's simulated colour, the recommended star in its ok colour.
    assert _count_pixels(image, THEMES[theme].simulated) > 2000
    assert _count_pixels(image, THEMES[theme].ok) > 20
