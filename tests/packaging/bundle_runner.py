"""Running the built bundle as a user would: from a copy outside the checkout, cwd=/, no PYTHONPATH."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def built_bundle() -> Path:
    """AIWM_BUNDLE when set (make package-test, right after make bundle), else dist/aiwm, brought up
    to date by `make bundle` (which rebuilds only when a source is newer: a minute or two on two cores)."""
    given = os.environ.get("AIWM_BUNDLE")
    if given:
        if not (Path(given) / "aiwm").is_file():
            pytest.fail(f"AIWM_BUNDLE={given} holds no aiwm program")
        return Path(given)
    done = subprocess.run(["make", "-s", "bundle"], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"make bundle failed (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return ROOT / "dist" / "aiwm"


def bundle_env(home: Path) -> dict[str, str]:
    """A user's environment: no PYTHONPATH or virtualenv, no Python of ours on the PATH, its own data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "AIWM_HOME", "QT_"))}
    return env | {"PATH": "/usr/bin:/bin", "AIWM_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def run_bundle(
    bundle: Path, home: Path, *args: str, timeout_s: float = 120, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """Run the bundle's `aiwm` with cwd=/ in a user's environment."""
    return subprocess.run(
        [*prefix, str(bundle / "aiwm"), *args],
        cwd="/",
        env=bundle_env(home),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
