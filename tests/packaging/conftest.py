"""The bundle's tests: the `bundle` marker, and packaging/ importable (its scripts are not a package)."""

from __future__ import annotations

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
