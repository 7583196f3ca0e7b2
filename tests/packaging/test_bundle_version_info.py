"""packaging/windows/version_info.py: the Windows version resource of aiwm.exe, from app.__version__."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from windows.version_info import version_info_text, version_numbers

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("version", "numbers"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2rc1", (1, 2, 0, 0)),
        ("2.10.3.4", (2, 10, 3, 4)),
        ("3", (3, 0, 0, 0)),
        ("1.0.0.dev5", (1, 0, 0, 0)),
    ],
)
def test_version_numbers_are_the_release_padded_to_four(version: str, numbers: tuple[int, ...]) -> None:
    assert version_numbers(version) == numbers


@pytest.mark.parametrize("version", ["1.2.3.4.5", "70000.1", "v1.0", ""])
def test_versions_windows_cannot_hold_are_refused(version: str) -> None:
    with pytest.raises(ValueError, match="version"):
        version_numbers(version)


def _read(text: str) -> dict[str, Any]:
    """Evaluate the version file as PyInstaller does (a Python expression), recording each part."""

    def record(kind: str) -> Any:
        return lambda *args, **kwargs: {"kind": kind, "args": args, **kwargs}

    names = (
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    )
    result: dict[str, Any] = eval(text, {"__builtins__": {}}, {name: record(name) for name in names})
    return result


def test_the_resource_carries_the_version_of_app_init() -> None:
    # The one place the version lives, read as text (not through the code under test).
    version = re.search(r'^__version__ = "(.+)"$', (ROOT / "app" / "__init__.py").read_text(), re.M).group(1)  # type: ignore[union-attr]
    info = _read(version_info_text(version, "aiwm-gui.exe", "AI Workstation Manager"))
    assert info["ffi"]["filevers"] == info["ffi"]["prodvers"] == version_numbers(version)
    table = info["kids"][0]["args"][0][0]
    assert table["args"][0] == "040904B0"  # U.S. English, Unicode: the code page the Translation entry names
    strings = {entry["args"][0]: entry["args"][1] for entry in table["args"][1]}
    assert strings["FileVersion"] == strings["ProductVersion"] == version
    assert strings["OriginalFilename"] == "aiwm-gui.exe"
    assert strings["InternalName"] == "aiwm-gui"
    assert strings["ProductName"] == "AI Workstation Manager"
    assert info["kids"][1]["args"][0][0]["args"] == ("Translation", [0x0409, 1200])
