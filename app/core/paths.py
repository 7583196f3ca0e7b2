"""Where the program keeps its data: `AIWM_HOME` when set, else the platform's data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "aiwm"


def data_dir() -> Path:
    """The data folder, created on first use. `AIWM_HOME` wins so tests never touch the real one."""
    override = os.environ.get("AIWM_HOME")
    folder = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def resources_dir() -> Path:
    """The `resources/` folder, from a source checkout or from a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
