"""cuDNN on disk: version headers and libraries (pip packages are reported by each Python
environment's probe), and the decoding of the version integer frameworks report.

The integer changed encoding with cuDNN 9: up to 8.x it is MAJOR*1000 + MINOR*100 + PATCH
(8.9.7 → 8907), from 9.0 MAJOR*10000 + MINOR*100 + PATCH (9.1.0 → 90100), as the
`CUDNN_VERSION` macro of each release's cudnn_version.h defines it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from app.doctor.records import CudnnFact

_MACRO = re.compile(r"^\s*#\s*define\s+CUDNN_(MAJOR|MINOR|PATCHLEVEL)\s+(\d+)\s*$", re.MULTILINE)
# libcudnn.so.9.1.0 / libcudnn.so.9 (Linux); cudnn64_9.dll (Windows)
_LIBRARY = re.compile(r"^(?:libcudnn\.so\.(\d+(?:\.\d+){0,3})|cudnn64_(\d+)\.dll)$")
HEADER_NAMES = ("cudnn_version.h", "cudnn_version_v*.h", "cudnn.h")  # cudnn.h holds the macros up to 7.x


def decode_cudnn_int(value: int) -> str | None:
    """ "9.1.0" from 90100, "8.9.7" from 8907: the version integer of either encoding."""
    if value <= 0:
        return None
    if value >= 10000:  # 9.x and newer: MAJOR*10000 + MINOR*100 + PATCH
        return f"{value // 10000}.{value % 10000 // 100}.{value % 100}"
    return f"{value // 1000}.{value % 1000 // 100}.{value % 100}"  # up to 8.x


def parse_cudnn_header(text: str) -> str | None:
    """ "8.9.7" from the CUDNN_MAJOR / MINOR / PATCHLEVEL macros; None when one is absent."""
    macros = {name: value for name, value in _MACRO.findall(text)}
    if not {"MAJOR", "MINOR", "PATCHLEVEL"} <= macros.keys():
        return None
    return f"{int(macros['MAJOR'])}.{int(macros['MINOR'])}.{int(macros['PATCHLEVEL'])}"


def library_version(name: str) -> str | None:
    """ "9.1.0" from libcudnn.so.9.1.0, "9" from libcudnn.so.9 or cudnn64_9.dll; None for other files."""
    match = _LIBRARY.match(name)
    return (match.group(1) or match.group(2)) if match else None


def find_headers(folders: Iterable[Path]) -> list[CudnnFact]:
    """One fact per cuDNN version header found in `folders` (include folders), each file once."""
    facts: list[CudnnFact] = []
    seen: set[Path] = set()
    for folder in folders:
        for pattern in HEADER_NAMES:
            for header in sorted(folder.glob(pattern)):
                version = _header_version(header, seen)
                if version is not None:
                    facts.append(CudnnFact(version, str(header.resolve()), header.name))
    return facts


def _header_version(header: Path, seen: set[Path]) -> str | None:
    real = header.resolve()
    if real in seen:
        return None
    seen.add(real)
    try:
        return parse_cudnn_header(header.read_text(errors="replace"))
    except OSError:
        return None


def find_libraries(folders: Iterable[Path]) -> list[CudnnFact]:
    """One fact per cuDNN library in `folders`: the most precise file name of each folder's library."""
    facts: list[CudnnFact] = []
    seen: set[Path] = set()
    for folder in folders:
        best: tuple[str, Path] | None = None
        for library in sorted([*folder.glob("libcudnn.so.*"), *folder.glob("cudnn64_*.dll")]):
            version = library_version(library.name)
            if version is not None and (best is None or len(version) > len(best[0])):
                best = (version, library)
        if best is not None and best[1].resolve() not in seen:
            seen.add(best[1].resolve())
            facts.append(CudnnFact(best[0], str(best[1]), best[1].name))
    return facts


def cudnn_major_of_package(name: str) -> int | None:
    """12 from "nvidia-cudnn-cu12": the CUDA major a pip cuDNN package is built for."""
    match = re.search(r"-cu(\d+)$", name)
    return int(match.group(1)) if match else None
