"""CUDA toolkits on disk: `nvcc` on PATH, CUDA_HOME / CUDA_PATH, the usual install folders, and
the folders on the library path that hold the CUDA runtime (libcudart).

A toolkit's version comes from its `version.json` (CUDA 11.1 and newer), else the older
`version.txt`, else its own `bin/nvcc --version`. Toolkits in use (nvcc on PATH, then CUDA_HOME /
CUDA_PATH) come first; the same folder reached twice (the /usr/local/cuda link) is listed once.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.core.proc import CommandResult, run_command
from app.doctor.records import ToolkitFact

Runner = Callable[[list[str], float], CommandResult]
NVCC_TIMEOUT_S = 10.0
WINDOWS_TOOLKITS = "Program Files/NVIDIA GPU Computing Toolkit/CUDA"
# "Cuda compilation tools, release 12.1, V12.1.105" (the last lines of `nvcc --version`)
_NVCC_RELEASE = re.compile(r"release (\d+\.\d+), V")
_VERSION_TXT = re.compile(r"CUDA Version (\d+\.\d+)")


@dataclass(frozen=True)
class ToolkitSearch:
    """Where to look: the file system root, the environment, the platform and how to run nvcc."""

    root: Path = Path("/")
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    windows: bool = os.name == "nt"
    run: Runner = run_command

    @property
    def separator(self) -> str:
        """PATH's separator on the platform searched (not necessarily this one)."""
        return ";" if self.windows else ":"


def parse_nvcc_version(text: str) -> str | None:
    """ "12.1" from `nvcc --version`'s output; None when it names no release."""
    match = _NVCC_RELEASE.search(text)
    return match.group(1) if match else None


def major_minor(version: str) -> str | None:
    """ "12.6" from "12.6.20241114", "11.5.2" or "13.0"."""
    match = re.match(r"(\d+)\.(\d+)", version.strip())
    return f"{match.group(1)}.{match.group(2)}" if match else None


def folder_version(folder: Path, run: Runner = run_command) -> str | None:
    """A toolkit folder's CUDA version (major.minor), from its files or its own nvcc."""
    try:
        document = json.loads((folder / "version.json").read_text())
        version = document["cuda"]["version"]
        if isinstance(version, str) and major_minor(version):
            return major_minor(version)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        match = _VERSION_TXT.search((folder / "version.txt").read_text(errors="replace"))
        if match:
            return match.group(1)
    except OSError:
        pass
    nvcc = _nvcc_in(folder)
    if nvcc is None:
        return None
    result = run([str(nvcc), "--version"], NVCC_TIMEOUT_S)
    return parse_nvcc_version(result.stdout)


def _nvcc_in(folder: Path) -> Path | None:
    for name in ("nvcc", "nvcc.exe"):
        if (folder / "bin" / name).is_file():
            return folder / "bin" / name
    return None


def _looks_like_toolkit(folder: Path) -> bool:
    """A version file, or nvcc beside the runtime's header (so /usr/local with a bin/nvcc wrapper is not one)."""
    if (folder / "version.json").is_file() or (folder / "version.txt").is_file():
        return True
    return _nvcc_in(folder) is not None and (folder / "include" / "cuda_runtime.h").is_file()


def find_toolkits(search: ToolkitSearch) -> tuple[tuple[ToolkitFact, ...], tuple[tuple[str, str], ...]]:
    """Every toolkit found, in use first, each folder once; and why none was found, if none was."""
    found: dict[str, ToolkitFact] = {}
    missing: list[tuple[str, str]] = []
    nvcc_version, on_path = _nvcc_on_path(search, missing)
    for folder, found_by in [*on_path, *_env_folders(search), *_install_folders(search)]:
        real = os.path.realpath(folder)
        if real in found or not _looks_like_toolkit(folder):
            continue
        version = folder_version(folder, search.run)
        if version is not None:
            found[real] = ToolkitFact(version, real, found_by)
    toolkits = list(found.values())
    if nvcc_version is not None and not on_path:
        toolkits = _mark_wrapped_nvcc(toolkits, nvcc_version)
    if not toolkits:
        why = "no CUDA toolkit found (no nvcc on PATH, no CUDA_HOME/CUDA_PATH, none in the usual folders)"
        missing.append(("cuda_toolkit", why))
    return tuple(toolkits), tuple(missing)


def _nvcc_on_path(search: ToolkitSearch, missing: list[tuple[str, str]]) -> tuple[str | None, list[tuple[Path, str]]]:
    """nvcc's version, and its toolkit folder when nvcc sits in one (bin/nvcc of a toolkit)."""
    nvcc = _which("nvcc", search)
    if nvcc is None:
        return None, []
    result = search.run([str(nvcc), "--version"], NVCC_TIMEOUT_S)
    version = parse_nvcc_version(result.stdout)
    if version is None:
        said = result.problem or result.stdout.strip()[:80]
        missing.append(("toolkits.nvcc", f"{nvcc} --version named no release: {said}"))
        return None, []
    folder = Path(os.path.realpath(nvcc)).parent.parent
    return version, [(folder, "nvcc on PATH")] if _looks_like_toolkit(folder) else []


def _mark_wrapped_nvcc(toolkits: list[ToolkitFact], nvcc_version: str) -> list[ToolkitFact]:
    """nvcc on PATH is a wrapper script (no toolkit around it): the toolkit of its version is in use."""
    for position, toolkit in enumerate(toolkits):
        if toolkit.version == nvcc_version:
            in_use = ToolkitFact(toolkit.version, toolkit.path, f"nvcc on PATH (a wrapper), {toolkit.found_by}")
            return [in_use, *toolkits[:position], *toolkits[position + 1 :]]
    return toolkits


def _which(program: str, search: ToolkitSearch) -> Path | None:
    names = [program + ".exe", program] if search.windows else [program]
    for entry in search.env.get("PATH", "").split(search.separator):
        for name in names:
            candidate = Path(entry) / name
            if entry and candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
    return None


def _env_folders(search: ToolkitSearch) -> list[tuple[Path, str]]:
    return [(Path(search.env[name]), name) for name in ("CUDA_HOME", "CUDA_PATH") if search.env.get(name)]


def _install_folders(search: ToolkitSearch) -> list[tuple[Path, str]]:
    """/usr/local/cuda (the link to the default), /usr/local/cuda-X.Y, /opt/cuda, or Windows' folders."""
    if search.windows:
        base = search.root / WINDOWS_TOOLKITS
        return [(folder, str(folder)) for folder in sorted(base.glob("v*"), reverse=True)]
    local = search.root / "usr" / "local"
    folders = [local / "cuda", *sorted(local.glob("cuda-*"), reverse=True), search.root / "opt" / "cuda"]
    return [(folder, str(folder)) for folder in folders]


def cuda_library_paths(search: ToolkitSearch) -> tuple[str, ...]:
    """Folders on LD_LIBRARY_PATH (PATH on Windows) that hold the CUDA runtime; more than one confuses loaders."""
    variable = "PATH" if search.windows else "LD_LIBRARY_PATH"
    pattern = "cudart64_*.dll" if search.windows else "libcudart.so*"
    folders: list[str] = []
    for entry in search.env.get(variable, "").split(search.separator):
        if entry and entry not in folders and any(Path(entry).glob(pattern)):
            folders.append(entry)
    return tuple(folders)
