"""Screenshots of the real window under Xvfb at 1920x1080, light and dark, saved to test-artifacts/.

These run the real xcb platform (not offscreen), the way a user's desktop does. .ci/run installs
Xvfb; without it the test is skipped with that reason printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
BACKGROUND = {"light": "#f3f4f6", "dark": "#111318"}


@pytest.fixture(scope="module")
def xvfb_display() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb); .ci/run installs it")
    for number in range(90, 110):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def _screenshot(
    display: str, shot: Path, theme: str, demo: list[str], time_scale: str = "1"
) -> subprocess.CompletedProcess[str]:
    """At real time the host is sampled and shown; at a time scale only the simulated GPUs are."""
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = display
    command = [sys.executable, "-m", "app", "gui", *demo, "--time-scale", time_scale, "--theme", theme]
    return subprocess.run(
        [*command, "--screenshot", str(shot), "--after", "8"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def _assert_a_full_window(done: subprocess.CompletedProcess[str], shot: Path, theme: str) -> None:
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1920, 1080)
    corner = image.pixelColor(1900, 1060)
    assert corner.name() == QColor(BACKGROUND[theme]).name(), f"window background in the {theme} theme"
    colours = {image.pixel(x, y) for x in range(0, 1920, 7) for y in range(0, 1080, 7)}
    assert len(colours) > 20, "the window shows graphs and text, not a blank surface"
    assert "saved screenshot" in done.stderr


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_of_the_real_window_with_two_simulated_gpus(xvfb_display: str, theme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"dashboard-{theme}.png"
    shot.unlink(missing_ok=True)
    _assert_a_full_window(_screenshot(xvfb_display, shot, theme, ["--demo"]), shot, theme)


def test_screenshot_of_the_real_window_with_eight_simulated_gpus(xvfb_display: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "dashboard-8gpu.png"
    shot.unlink(missing_ok=True)
    demo = ["--demo", ",".join(["a100-80gb"] * 8)]
    # 30x: four simulated minutes in 8 s, so the cards have heated up (the host is hidden, and the banner says so).
    _assert_a_full_window(_screenshot(xvfb_display, shot, "light", demo, time_scale="30"), shot, "light")
