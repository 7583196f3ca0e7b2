"""Python environments worth checking besides the program's own: conda environments found
automatically, and what the user names (a venv or conda folder, or a python executable).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.core.proc import CommandResult, run_command

Runner = Callable[[list[str], float], CommandResult]
CONDA_TIMEOUT_S = 15.0
CONDA_ROOTS = ("miniconda3", "anaconda3", "miniforge3", "mambaforge")


@dataclass(frozen=True)
class EnvironmentSearch:
    """Where conda keeps its list and its environments, and how to ask conda itself."""

    home: Path = field(default_factory=Path.home)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    windows: bool = os.name == "nt"
    run: Runner = run_command


# Where an environment folder keeps its interpreter: venv and conda on Linux and macOS; conda
# (python.exe at the top) and venv (Scripts) on Windows.
INTERPRETERS_IN_FOLDER = ("bin/python", "bin/python3")
WINDOWS_INTERPRETERS_IN_FOLDER = ("python.exe", "Scripts/python.exe")
# python, python3, python3.11, python3.13t, pythonw, python.exe: what CPython's interpreters are called.
_INTERPRETER_NAME = re.compile(r"^python(\d+(\.\d+)*)?[tw]?(\.exe)?$", re.IGNORECASE)


def _executable(path: Path, windows: bool) -> bool:
    return path.is_file() and (windows or os.access(path, os.X_OK))


def interpreter_in(path: Path, windows: bool = os.name == "nt") -> Path | None:
    """The python of a venv or conda folder, or `path` itself when it is a Python interpreter."""
    if path.is_file():
        return path if environment_problem(path, windows) is None else None
    for name in WINDOWS_INTERPRETERS_IN_FOLDER if windows else INTERPRETERS_IN_FOLDER:
        if _executable(path / name, windows):
            return path / name
    return None


def environment_problem(path: Path, windows: bool = os.name == "nt") -> str | None:
    """Why `path` is not a Python environment to check (one line), or None when it is one: a folder
    with an interpreter in it, or an executable file named like CPython's interpreters."""
    if not path.exists():
        return f"{path} does not exist"
    if path.is_dir():
        names = WINDOWS_INTERPRETERS_IN_FOLDER if windows else INTERPRETERS_IN_FOLDER
        if any(_executable(path / name, windows) for name in names):
            return None
        return f"{path} has no Python interpreter (looked for {', '.join(names)})"
    if not _executable(path, windows):
        return f"{path} is not a Python interpreter: not an executable program (choose python, or its environment)"
    if not any(_INTERPRETER_NAME.match(name) for name in (path.name, Path(os.path.realpath(path)).name)):
        return f"{path} is not a Python interpreter: its name is not python, python3 or python3.X"
    return None


def conda_environment_folders(search: EnvironmentSearch) -> list[Path]:
    """Conda environments from ~/.conda/environments.txt, the usual install folders, CONDA_PREFIX
    and `conda info --envs --json` when conda is on PATH, in that order, each once."""
    folders = [*_listed(search.home), *_install_envs(search.home)]
    if search.env.get("CONDA_PREFIX"):
        folders.append(Path(search.env["CONDA_PREFIX"]))
    folders += _asked_conda(search)
    return _unique(folders)


def find_interpreters(search: EnvironmentSearch) -> list[Path]:
    """The python of each conda environment found, each real interpreter once."""
    found = (interpreter_in(folder, search.windows) for folder in conda_environment_folders(search))
    return unique_interpreters(path for path in found if path is not None)


def unique_interpreters(paths: Iterable[Path]) -> list[Path]:
    """Each interpreter once. Not by the file's real path: every venv's python links to the same
    base interpreter, yet each venv has its own packages; its folder tells them apart."""
    seen: set[str] = set()
    out = []
    for path in paths:
        key = os.path.join(os.path.realpath(path.parent), path.name)
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def _listed(home: Path) -> list[Path]:
    try:
        lines = (home / ".conda" / "environments.txt").read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [Path(line.strip()) for line in lines if line.strip() and not line.startswith("#")]


def _install_envs(home: Path) -> list[Path]:
    folders = []
    for root in CONDA_ROOTS:
        base = home / root
        if base.is_dir():
            folders.append(base)  # the base environment
            folders += sorted(p for p in (base / "envs").glob("*") if p.is_dir())
    return folders


def _asked_conda(search: EnvironmentSearch) -> list[Path]:
    if search.env.get("CONDA_EXE") is None and not _on_path("conda", search):
        return []
    conda = search.env.get("CONDA_EXE") or "conda"
    result = search.run([conda, "info", "--envs", "--json"], CONDA_TIMEOUT_S)
    try:
        envs = json.loads(result.stdout).get("envs", [])
    except (ValueError, AttributeError):
        return []
    return [Path(env) for env in envs if isinstance(env, str)] if isinstance(envs, list) else []


def _on_path(program: str, search: EnvironmentSearch) -> bool:
    names = (program + ".exe", program + ".bat") if search.windows else (program,)
    entries = [entry for entry in search.env.get("PATH", "").split(";" if search.windows else ":") if entry]
    return any((Path(entry) / name).is_file() for entry in entries for name in names)


def _unique(paths: Iterable[Path]) -> list[Path]:
    seen: set[str] = set()
    out = []
    for path in paths:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            out.append(path)
    return out
