"""`aiwm doctor`: --facts, --json, exit codes (0 pass/warn, 1 fail, 2 unusable input in one line),
the live path through gather_facts (faked here), --env and --demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from app.cli import main
from app.doctor.records import Facts
from tests.doctor.helpers import facts, gpu

FACTS = Path(__file__).parents[1] / "data" / "facts"


@pytest.fixture(autouse=True)
def no_nvml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIWM_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1")


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("rtx4090_linux_torch25_cu124.json", 0),
        ("no_nvidia_cpu_torch.json", 0),
        ("rtx5090_old_torch_cu124.json", 1),
        ("gtx1080ti_torch28_cu128.json", 1),
    ],
)
def test_exit_status_is_0_for_pass_or_warn_and_1_for_a_failed_check(capsys, name: str, status: int) -> None:
    assert main(["doctor", "--facts", str(FACTS / name)]) == status
    assert capsys.readouterr().err == ""


def test_json_output_is_the_doctor_document(capsys) -> None:
    assert main(["doctor", "--json", "--facts", str(FACTS / "rtx5090_old_torch_cu124.json")]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "aiwm.doctor/1" and doc["overall"] == "fail"
    assert {"id": "gpu.arch_in_build", "status": "fail"}.items() <= next(
        f for f in doc["findings"] if f["id"] == "gpu.arch_in_build"
    ).items()


def test_text_output_is_one_line_per_finding_with_detail_and_fix_indented_and_overall_last(capsys) -> None:
    main(["doctor", "--facts", str(FACTS / "gtx1080ti_torch28_cu128.json")])
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("overall: FAIL")
    heads = [line for line in lines[:-1] if not line.startswith(" ")]
    assert heads and all(line[:6] in ("[PASS]", "[INFO]", "[WARN]", "[FAIL]", "[SKIP]") for line in heads)
    failed = lines.index(next(line for line in lines if line.startswith("[FAIL]")))
    assert lines[failed + 1].startswith("       no sm_6x") and lines[failed + 2].startswith("       fix: ")


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    not_json = tmp_path / "not.json"
    not_json.write_text("nvidia-smi output, not JSON")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"schema": "aiwm.snapshot/1", "gpus": []}))
    bad_version = tmp_path / "version.json"
    doc = json.loads((FACTS / "rtx4090_linux_torch25_cu124.json").read_text())
    bad_version.write_text(json.dumps({**doc, "cuda_toolkit": "12.x.y"}))
    return {
        "not JSON": ([str(not_json)], "not JSON"),
        "wrong schema": ([str(wrong)], "expected 'aiwm.facts/1'"),
        "bad version": ([str(bad_version)], "cuda_toolkit: '12.x.y' is not a version"),
        "missing file": ([str(tmp_path / "absent.json")], "no such file"),
        "directory": ([str(tmp_path)], "is a directory"),
    }


@pytest.mark.parametrize("case", ["not JSON", "wrong schema", "bad version", "missing file", "directory"])
def test_unusable_facts_are_one_line_on_stderr_and_exit_2(tmp_path: Path, capsys, case: str) -> None:
    args, said = _bad_inputs(tmp_path)[case]
    assert main(["doctor", "--facts", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("aiwm: error: --facts ") and said in err


def test_bad_input_is_never_a_traceback_in_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "AIWM_NVML_LIBRARY": "/nonexistent/libnvidia-ml.so.1"}
    for args, said in _bad_inputs(tmp_path).values():
        run = subprocess.run(
            [sys.executable, "-m", "app", "doctor", "--facts", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert run.returncode == 2 and run.stdout == "" and said in run.stderr
        assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--env", "/usr"], "--env adds environments"),
        (["--demo"], "--demo simulates"),
        (["--time-scale", "2"], "--time-scale: the doctor reads versions and runs no clock"),
    ],
)
def test_options_that_do_not_go_with_facts_are_refused(capsys, extra: list[str], said: str) -> None:
    assert main(["doctor", "--facts", str(FACTS / "no_nvidia_cpu_torch.json"), *extra]) == 2
    assert said in capsys.readouterr().err


def _fake_gather(monkeypatch: pytest.MonkeyPatch, result: Facts) -> list[tuple]:
    calls: list[tuple] = []

    def gather_facts(engine, extra_environments=()):
        calls.append((engine, tuple(extra_environments)))
        return result

    monkeypatch.setattr("app.doctor.gather.gather_facts", gather_facts)
    return calls


def test_the_live_doctor_on_a_machine_without_a_gpu_warns_clearly_and_exits_0(monkeypatch, capsys) -> None:
    calls = _fake_gather(monkeypatch, facts(gpus=(), nvidia_driver=None, nvml_error="library_not_found"))
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "[WARN] No NVIDIA GPU found: the GPU checks were skipped" in out and out.splitlines()[-1].startswith(
        "overall: WARN"
    )
    assert len(calls) == 1 and calls[0][1] == ()


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_env_folders_are_passed_to_the_gatherer(monkeypatch, capsys, tmp_path: Path) -> None:
    venv, python = tmp_path / "venv", _executable(tmp_path / "python3")
    _executable(venv / "bin" / "python")
    calls = _fake_gather(monkeypatch, facts())
    assert main(["doctor", "--env", str(venv), str(python)]) == 0
    assert calls[0][1] == (venv, python)


def test_an_env_that_does_not_exist_is_one_line(monkeypatch, capsys, tmp_path: Path) -> None:
    _fake_gather(monkeypatch, facts())
    assert main(["doctor", "--env", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == f"aiwm: error: --env {tmp_path / 'nope'} does not exist\n"


def test_demo_output_is_marked_simulated_in_text_and_json(monkeypatch, capsys) -> None:
    _fake_gather(monkeypatch, replace(facts(), gpus=(gpu("NVIDIA GeForce RTX 4090 (SIMULATED)", "8.9"),)))
    assert main(["doctor", "--demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SIMULATED") and "(SIMULATED)" in out.splitlines()[-1]
    assert main(["doctor", "--demo", "rtx4090", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["simulated"] is True and doc["facts"]["simulated"] is True
    assert any(f["id"] == "facts.simulated" for f in doc["findings"])
