"""Where the program keeps its data: `AIWM_HOME` when set, else the platform's data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from app.core.errors import UserError

APP_NAME = "aiwm"


def data_dir() -> Path:
    """The data folder, created on first use. `AIWM_HOME` wins so tests never touch the real one.

    A folder that cannot be made or written (`AIWM_HOME` naming a file, a read-only place) is a
    one-line `UserError`, raised before any command has created a file of its own.
    """
    override = os.environ.get("AIWM_HOME")
    folder = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    where = f"AIWM_HOME={override}" if override else f"data folder {folder}"
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{where} is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create {where}: {error.strerror}") from None
    if not os.access(folder, os.W_OK):
        raise UserError(f"{where} is not writable")
    return folder


def resources_dir() -> Path:
    """The `resources/` folder, from a source checkout or from a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
