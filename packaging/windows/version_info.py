"""The Windows version resource of `aiwm.exe` (Explorer's Properties > Details), from `app.__version__`.

The spec writes this text into the build folder and hands it to PyInstaller's `EXE(version=...)`,
so the version shown by Windows is always the one in app/__init__.py: there is no second copy to
forget. The text is PyInstaller's version-file format (a `VSVersionInfo(...)` expression).
"""

from __future__ import annotations

import re

PRODUCT_NAME = "AI Workstation Manager"
# Windows keeps a file version as four 16-bit numbers.
_MAX_PART = 0xFFFF
_RELEASE = re.compile(r"^(\d+(?:\.\d+)*)")


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """`0.1.0` -> (0, 1, 0, 0); the release part of a PEP 440 version (`1.2rc1` -> 1.2.0.0), padded to four."""
    match = _RELEASE.match(version)
    if match is None:
        raise ValueError(f"version {version!r} does not start with a release number like 1.2.3")
    parts = [int(part) for part in match.group(1).split(".")]
    if len(parts) > 4 or any(part > _MAX_PART for part in parts):
        raise ValueError(f"version {version!r} does not fit Windows' four 16-bit numbers")
    a, b, c, d = (*parts, 0, 0, 0)[:4]
    return a, b, c, d


def version_info_text(version: str, exe_name: str, description: str) -> str:
    """The version-file text for one executable of the bundle (`aiwm.exe` or `aiwm-gui.exe`)."""
    numbers = version_numbers(version)
    strings = {
        "CompanyName": "AI Workstation Manager developers",
        "FileDescription": description,
        "FileVersion": version,
        "InternalName": exe_name.removesuffix(".exe"),
        "OriginalFilename": exe_name,
        "ProductName": PRODUCT_NAME,
        "ProductVersion": version,
    }
    entries = ",\n".join(f"        StringStruct({key!r}, {value!r})" for key, value in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3F,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0),
  ),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
{entries},
      ]),
    ]),
    VarFileInfo([VarStruct('Translation', [0x0409, 1200])]),
  ],
)
"""
