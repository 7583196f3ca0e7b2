"""The bundle's tests: the `bundle` marker, and packaging/ importable (its scripts are not a package)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
if str(PACKAGING) not in sys.path:
    sys.path.insert(0, str(PACKAGING))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "bundle: runs the PyInstaller bundle (make package-test; builds it when dist/aiwm is stale)"
    )


ROOT = PACKAGING.parent
# What the bundle is made from: when one of these is newer than dist/aiwm/aiwm, that bundle is stale.
BUNDLE_INPUTS = (
    "app",
    "resources",
    "requirements",
    "packaging/aiwm.spec",
    "packaging/entry.py",
    "packaging/bundle_filter.py",
)


def _newest_input_mtime() -> float:
    newest = 0.0
    for name in BUNDLE_INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if "__pycache__" not in p.parts]
        newest = max([newest, *(p.stat().st_mtime for p in files if p.is_file())])
    return newest


def _built_bundle() -> Path:
    """AIWM_BUNDLE when set (make package-test, right after make bundle), else dist/aiwm when it is
    newer than its sources, else a fresh `make bundle` (a minute or two on two cores)."""
    given = os.environ.get("AIWM_BUNDLE")
    if given:
        if not (Path(given) / "aiwm").is_file():
            pytest.fail(f"AIWM_BUNDLE={given} holds no aiwm program")
        return Path(given)
    dist = ROOT / "dist" / "aiwm"
    program = dist / "aiwm"
    if not program.is_file() or program.stat().st_mtime < _newest_input_mtime():
        done = subprocess.run(["make", "-s", "bundle"], cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(f"make bundle failed (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return dist


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle copied to a folder outside the checkout, as an installer would put it."""
    copy = tmp_path_factory.mktemp("installed") / "aiwm"
    shutil.copytree(_built_bundle(), copy, symlinks=True)
    return copy


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
