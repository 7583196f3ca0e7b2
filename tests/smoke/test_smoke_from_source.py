"""The real `aiwm --smoke-test`, from source, as a user runs it: it passes cleanly, times the first
paint honestly, and neither reads nor writes the user's data folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.smoke.lines import CHILD_STEPS

pytestmark = pytest.mark.slow

USER_FILE_BYTES = b'{"theme": "dark", "window_s": 3600}\n'  # a user's settings, which must keep their bytes


@dataclass(frozen=True)
class SmokeRun:
    done: subprocess.CompletedProcess[str]
    timings: dict[str, Any]
    user_home: Path
    home: Path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>" for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> SmokeRun:
    """One run of `python -m app --smoke-test --timings FILE` with no display, a user's AIWM_HOME
    holding a settings file, and a HOME of its own (the platform's data folder is under it)."""
    root = tmp_path_factory.mktemp("smoke-user")
    user_home, home = root / "aiwm-data", root / "home"
    user_home.mkdir()
    home.mkdir()
    (user_home / "settings.json").write_bytes(USER_FILE_BYTES)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(AIWM_HOME=str(user_home), HOME=str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env.pop(name, None)
    timings = root / "timings.json"
    done = subprocess.run(
        [sys.executable, "-m", "app", "--smoke-test", "--timings", str(timings)],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return SmokeRun(done, json.loads(timings.read_text()), user_home, home)


def test_the_smoke_test_passes_every_step_in_order_and_prints_nothing_else(smoke: SmokeRun) -> None:
    lines = smoke.done.stdout.splitlines()
    assert smoke.done.stderr == ""
    assert [re.fullmatch(r"smoke: (.+) ok \(\d+ ms\)", line)[1] for line in lines[:-1]] == list(CHILD_STEPS)  # type: ignore[index]
    assert re.fullmatch(r"smoke: passed \(\d+ ms\)", lines[-1])


def test_the_timings_say_when_the_first_paint_came_and_fit_inside_the_total(smoke: SmokeRun) -> None:
    timings = smoke.timings
    assert list(timings["steps"]) == list(CHILD_STEPS)
    assert timings["first_paint_s"] == timings["steps"]["first paint"]
    assert 0 < timings["first_paint_s"] < timings["total_s"]
    # The steps run one after the other, the first timed from the child's creation: together
    # they cannot take longer than the child lived.
    assert sum(timings["steps"].values()) <= timings["total_s"]
    # Samples come once a second: the second one cannot be on the dashboard much before 1 s.
    assert timings["first_paint_s"] + timings["steps"]["samples"] >= 0.9


def test_the_users_data_folder_and_home_are_untouched(smoke: SmokeRun) -> None:
    assert _tree(smoke.user_home) == {"settings.json": USER_FILE_BYTES}
    assert _tree(smoke.home) == {}
