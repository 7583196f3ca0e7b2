"""`aiwm doctor`'s input as a new user gives it: standard input, a byte-order mark, PowerShell's
UTF-16, deeply nested or huge files, a GPU name the terminal cannot print, environments that are
not Python, and options that mean nothing to the doctor. Bad input is one line and exit 2."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.doctor.document import MAX_FACTS_BYTES

FACTS = Path(__file__).parents[1] / "data" / "facts"
# The issue's own example facts document.
ISSUE_EXAMPLE = {
    "schema": "aiwm.facts/1",
    "os": "linux",
    "nvidia_driver": "535.104.05",
    "gpus": [{"name": "NVIDIA GeForce RTX 4090", "compute_capability": "8.9"}],
    "cuda_toolkit": "12.1",
    "cudnn": "8.9.2",
    "frameworks": [{"name": "torch", "version": "2.1.2", "cuda": "12.1", "cudnn": "8.9.2", "arch_list": None}],
}


@pytest.fixture(autouse=True)
def no_nvml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIWM_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1")


def _aiwm(*args: str, stdin: bytes | None = None, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, "AIWM_NVML_LIBRARY": "/nonexistent/libnvidia-ml.so.1", **env},
        timeout=120,
        check=False,
    )


def _one_line_exit_2(run: subprocess.CompletedProcess[bytes], said: str) -> None:
    err = run.stderr.decode()
    assert run.returncode == 2 and run.stdout == b"", err
    assert err.count("\n") == 1 and "Traceback" not in err and said in err, err


def test_facts_from_standard_input_are_read(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(ISSUE_EXAMPLE).encode())))
    assert main(["doctor", "--facts", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["facts"]["cudnn"] == "8.9.2"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")],
)
def test_a_byte_order_mark_and_powershells_utf16_are_read(tmp_path: Path, capsys, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "facts.json"
    path.write_bytes(prefix + json.dumps(ISSUE_EXAMPLE).encode(encoding))
    assert main(["doctor", "--facts", str(path)]) == 0
    assert "cuDNN 8.9.2" in capsys.readouterr().out


def test_deeply_nested_json_is_one_line_and_exit_2(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    _one_line_exit_2(_aiwm("doctor", "--facts", str(deep)), "nested too deeply")
    deep_value = tmp_path / "deep_value.json"
    deep_value.write_text('{"schema": "aiwm.facts/1", "os": "linux", "nvidia_driver": ' + "[" * 100_000)
    _one_line_exit_2(_aiwm("doctor", "--facts", str(deep_value)), "nested too deeply")


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path, capsys) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:  # sparse: no disk used
        file.truncate(MAX_FACTS_BYTES + 1)
    assert main(["doctor", "--facts", str(huge)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "over 16 MiB" in err


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ({"schema": "aiwm.facts/1"}, "os is missing (one of linux, windows)"),
        ({**ISSUE_EXAMPLE, "cuda_toolkit": "1" * 24}, "has a part too long for a version"),
        ({**ISSUE_EXAMPLE, "nvidia_driver": "535.1.2.3.4.5"}, "has 6 parts: too many for a version"),
        ({**ISSUE_EXAMPLE, "cuda_toolkit": "12.x"}, "'12.x' is not a version"),
    ],
)
def test_bad_fields_are_named_in_words(tmp_path: Path, capsys, document: dict, said: str) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(document))
    assert main(["doctor", "--facts", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err, err
    assert "is None" not in err


def test_a_name_the_terminal_cannot_encode_is_replaced_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "unicode.json"
    document = {**ISSUE_EXAMPLE, "gpus": [{"name": "Ünïcødé GPU 😀", "compute_capability": "8.9"}]}
    path.write_text(json.dumps(document), encoding="utf-8")
    run = _aiwm("doctor", "--facts", str(path), PYTHONIOENCODING="ascii")
    assert run.returncode == 0 and b"Traceback" not in run.stderr, run.stderr.decode()
    assert b"?n?c?d? GPU ?" in run.stdout
    run = _aiwm("doctor", "--facts", str(tmp_path / "Ünïcødé.json"), PYTHONIOENCODING="ascii")
    _one_line_exit_2(run, "no such file")  # the error line itself is replaced too


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def test_an_env_that_is_not_python_is_refused_in_one_line(tmp_path: Path, capsys) -> None:
    a_file = tmp_path / "facts.json"
    a_file.write_text("{}")
    no_python = tmp_path / "folder"
    no_python.mkdir()
    true = _executable(tmp_path / "bin" / "true")
    cases = [
        (a_file, "is not a Python interpreter: not an executable program"),
        (no_python, "has no Python interpreter (looked for bin/python, bin/python3)"),
        (true, "is not a Python interpreter: its name is not python"),
    ]
    for path, said in cases:
        assert main(["doctor", "--env", str(path)]) == 2
        err = capsys.readouterr().err
        assert err == f"aiwm: error: --env {path} {said}" + err.split(said, 1)[1] and err.count("\n") == 1


def test_time_scale_means_nothing_to_the_doctor_and_is_refused(capsys) -> None:
    for args in (["--time-scale", "2"], ["--demo", "--time-scale", "1"]):
        assert main(["doctor", *args]) == 2
        assert capsys.readouterr().err == (
            "aiwm: error: --time-scale: the doctor reads versions and runs no clock; leave it out\n"
        )
