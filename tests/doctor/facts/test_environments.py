"""Python environments: a venv or conda folder or an executable the user names, and conda's
environments found from its list, its usual folders, CONDA_PREFIX and `conda info --envs --json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.proc import CommandResult
from app.doctor.facts.environments import (
    EnvironmentSearch,
    environment_problem,
    find_interpreters,
    interpreter_in,
    unique_interpreters,
)

from .conftest import answering, script, write


def env_folder(path: Path, windows: bool = False) -> Path:
    script(path / ("python.exe" if windows else "bin/python"), "exit 0\n")
    return path


def test_a_venv_folder_a_python_file_and_a_non_environment(tmp_path: Path) -> None:
    venv = env_folder(tmp_path / "venv")
    assert interpreter_in(venv, windows=False) == venv / "bin/python"
    assert interpreter_in(venv / "bin/python", windows=False) == venv / "bin/python"
    assert interpreter_in(tmp_path / "nothing", windows=False) is None
    write(tmp_path / "notes.txt", "not a program")
    assert interpreter_in(tmp_path / "notes.txt", windows=False) is None
    conda_on_windows = env_folder(tmp_path / "winenv", windows=True)
    assert interpreter_in(conda_on_windows, windows=True) == conda_on_windows / "python.exe"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("python3.11", None),
        ("python", None),
        ("python3.13t", None),
        ("true", "is not a Python interpreter: its name is not python, python3 or python3.X"),
        ("pip", "is not a Python interpreter: its name is not python, python3 or python3.X"),
    ],
)
def test_an_executable_counts_as_python_only_when_it_is_named_like_one(
    tmp_path: Path, name: str, problem: str | None
) -> None:
    program = script(tmp_path / "bin" / name, "exit 0\n")
    said = environment_problem(program, windows=False)
    assert said == (None if problem is None else f"{program} {problem}")
    assert (interpreter_in(program, windows=False) is None) is (problem is not None)


def test_a_link_named_otherwise_to_a_python_counts(tmp_path: Path) -> None:
    real = script(tmp_path / "opt" / "python3.12", "exit 0\n")
    link = tmp_path / "bin" / "py"
    link.parent.mkdir()
    link.symlink_to(real)
    assert environment_problem(link, windows=False) is None


def test_conda_environments_are_found_from_every_source_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    listed = env_folder(tmp_path / "elsewhere/envs/listed")
    write(home / ".conda/environments.txt", f"{listed}\n{tmp_path / 'deleted-env'}\n")
    base = env_folder(home / "miniconda3")
    torch_env = env_folder(home / "miniconda3/envs/torch")
    prefix = env_folder(tmp_path / "active")
    asked = env_folder(tmp_path / "from-conda")
    conda = script(tmp_path / "condabin/conda", "exit 0\n")
    envs = json.dumps({"envs": [str(asked), str(torch_env)]})
    run, calls = answering({"conda": CommandResult(0, envs, "")})
    search = EnvironmentSearch(
        home=home, env={"CONDA_PREFIX": str(prefix), "PATH": str(conda.parent)}, windows=False, run=run
    )
    found = find_interpreters(search)
    expected = [listed, base, torch_env, prefix, asked]
    assert found == [folder / "bin/python" for folder in expected]
    assert calls == [["conda", "info", "--envs", "--json"]]


def test_conda_is_not_asked_when_it_is_not_installed(tmp_path: Path) -> None:
    run, calls = answering({})
    assert find_interpreters(EnvironmentSearch(home=tmp_path, env={"PATH": ""}, windows=False, run=run)) == []
    assert calls == []


def test_two_venvs_whose_python_links_to_one_base_interpreter_stay_two(tmp_path: Path) -> None:
    base = script(tmp_path / "usr/bin/python3", "exit 0\n")
    for name in ("a", "b"):
        (tmp_path / name / "bin").mkdir(parents=True)
        (tmp_path / name / "bin/python").symlink_to(base)
    paths = [tmp_path / "a/bin/python", tmp_path / "b/bin/python", tmp_path / "a/bin/python"]
    assert unique_interpreters(paths) == paths[:2]
