"""The bundle's tests: the `bundle` marker, the bundle fixture, and packaging/'s scripts importable
(they are scripts run by make and PyInstaller, not a package)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.packaging.bundle_runner import PACKAGING, built_bundle

if str(PACKAGING) not in sys.path:
    sys.path.insert(0, str(PACKAGING))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "bundle: runs the PyInstaller bundle (make package-test; builds it when dist/aiwm is stale)"
    )


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle copied to a folder outside the checkout, as an installer would put it."""
    copy = tmp_path_factory.mktemp("installed") / "aiwm"
    shutil.copytree(built_bundle(), copy, symlinks=True)
    return copy
