"""Regression test for the pinned Qt binding: many curves updated many times must not crash Python."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_many_curves_updated_many_times_do_not_crash_the_interpreter() -> None:
    script = Path(__file__).with_name("curve_stress.py")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, str(script), "12", "2", "400"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    assert done.stdout.startswith("ok 24 curves x 400 updates")
    assert "Fatal Python error" not in done.stderr
