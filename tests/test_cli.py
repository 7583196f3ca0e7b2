"""The `aiwm` command line: the snapshot contract, record/export, and one-line errors with exit 2."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__
from app.cli import main
from app.core.sessions.reader import Session

GPU_KEYS = {
    "index": int,
    "name": str,
    "uuid": str,
    "simulated": bool,
    "vram_total_bytes": int,
    "vram_used_bytes": int,
    "util_percent": float,
    "temperature_c": float,
    "power_w": float,
    "power_limit_w": float,
    "sm_clock_mhz": (int, float),
    "mem_clock_mhz": float,
    "fan_percent": float,
    "clock_event_reasons": list,
    "pcie_gen": int,
    "pcie_width": int,
    "pcie_gen_max": int,
    "pcie_width_max": int,
    "compute_capability": str,
    "processes": list,
}


def _aiwm(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIWM_NVML_LIBRARY": "/nonexistent/libnvidia-ml.so.1"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


def _snapshot(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["snapshot", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_snapshot_json_has_the_contracted_keys_and_types(capsys, monkeypatch) -> None:
    monkeypatch.setenv("AIWM_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1")
    doc = _snapshot(capsys)
    assert doc["schema"] == "aiwm.snapshot/1" and isinstance(doc["taken_at"], str) and doc["taken_at"].endswith("Z")
    assert set(doc["host"]) == {"hostname", "os", "kernel", "python"}
    cpu = doc["cpu"]
    assert {
        "model",
        "physical_cores",
        "logical_cores",
        "util_percent",
        "per_core_percent",
        "freq_mhz",
        "temperature_c",
    } <= set(cpu)
    assert isinstance(cpu["logical_cores"], int) and isinstance(cpu["util_percent"], float)
    assert len(cpu["per_core_percent"]) == cpu["logical_cores"]
    memory = doc["memory"]
    assert all(
        isinstance(memory[k], int)
        for k in ("total_bytes", "available_bytes", "used_bytes", "swap_total_bytes", "swap_used_bytes")
    )
    for disk in doc["disks"]:
        assert {
            "name",
            "model",
            "kind",
            "total_bytes",
            "read_bytes_per_s",
            "write_bytes_per_s",
            "temperature_c",
        } <= set(disk)
        assert isinstance(disk["read_bytes_per_s"], float), "two readings half a second apart give a rate"
    for nic in doc["network"]:
        assert {"name", "speed_mbps", "rx_bytes_per_s", "tx_bytes_per_s"} <= set(nic)
    assert set(doc["nvidia"]) >= {"status", "driver_version", "cuda_driver_version", "nvml_version"}
    assert doc["gpus"] == [] and doc["simulated"] is False


def test_snapshot_says_why_values_are_null(capsys, monkeypatch) -> None:
    monkeypatch.setenv("AIWM_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1")
    doc = _snapshot(capsys)
    assert doc["nvidia"]["driver_version"] is None
    assert "does not exist" in doc["nvidia"]["status"]
    for key, value in (("cpu.temperature_c", doc["cpu"]["temperature_c"]),):
        assert (value is None) == (key in doc["missing"])


def test_snapshot_demo_fills_every_gpu_field_and_says_simulated(capsys) -> None:
    doc = _snapshot(capsys, "--demo", "--time-scale", "60")
    assert doc["simulated"] is True and doc["nvidia"]["status"].startswith("SIMULATED")
    assert [g["name"] for g in doc["gpus"]] == [
        "NVIDIA GeForce RTX 4090 [SIMULATED]",
        "NVIDIA GeForce RTX 3090 [SIMULATED]",
    ]
    for gpu in doc["gpus"]:
        for key, kind in GPU_KEYS.items():
            assert isinstance(gpu[key], kind), f"{key}={gpu[key]!r}"
        assert gpu["simulated"] is True


def test_snapshot_text_marks_simulated_gpus(capsys) -> None:
    assert main(["snapshot", "--demo", "a100-80gb"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("*** SIMULATED")
    assert "NVIDIA A100-SXM4-80GB [SIMULATED]" in out


def test_version_comes_from_one_place() -> None:
    done = _aiwm("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"aiwm {__version__}"


def test_no_command_opens_the_window(tmp_path: Path) -> None:
    """`aiwm --demo ...` is `aiwm gui --demo ...`: here on Qt's offscreen platform, with a screenshot."""
    shot = tmp_path / "window.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "--demo", "--screenshot", str(shot), "--after", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_record_then_export_a_demo_session(tmp_path: Path) -> None:
    session, table = tmp_path / "demo.aiwm", tmp_path / "demo.csv"
    done = _aiwm("record", "--out", str(session), "--duration", "30", "--demo", "--time-scale", "15")
    assert done.returncode == 0, done.stderr
    assert "SIMULATED" in done.stderr
    done = _aiwm("export", str(session), "--csv", str(table))
    assert done.returncode == 0, done.stderr
    with table.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 20
    assert {"time", "simulated", "gpu0.temperature_c", "gpu1.power_w"} <= set(rows[0])  # scaled: GPUs only
    temperatures = [float(r["gpu0.temperature_c"]) for r in rows if r["gpu0.temperature_c"]]
    assert temperatures[-1] > temperatures[0], "the demo's training load heats GPU 0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["record", "--out", "x.aiwm", "--duration", "5", "--interval", "0"], "must be a positive number"),
        (["record", "--out", "x.aiwm", "--duration", "-3"], "must be a positive number"),
        (["record", "--out", "x.aiwm", "--duration", "5", "--interval", "0.1"], "below the shortest interval"),
        (["record", "--out", "/nonexistent-folder/x.aiwm", "--duration", "5"], "does not exist"),
        (["export", "missing.aiwm", "--csv", "out.csv"], "no such session file"),
        (["snapshot", "--demo", "rtx9999"], "unknown demo GPU"),
        (["snapshot", "--time-scale", "10"], "--time-scale needs --demo"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(args: list[str], message: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr


# Every argument of every command, each absurd value: exit 2, one line naming the problem, and no
# file or folder created anywhere (the working folder, AIWM_HOME). Bounds: --duration 2,592,000 s
# (30 days), --time-scale 0.01 to 1000, --interval 0.25 s to --duration, --after 0 to 3600 s.
ABSURD_ARGUMENTS = [
    (["record", "--out", "x.aiwm", "--duration", "1e10"], "longer than the longest recording, 2,592,000 s"),
    (["record", "--out", "x.aiwm", "--duration", "2592001"], "longer than the longest recording"),
    (["record", "--out", "x.aiwm", "--duration", "nan"], "is not a number of seconds"),
    (["record", "--out", "x.aiwm", "--duration", "inf"], "is not a number of seconds"),
    (["record", "--out", "x.aiwm", "--duration", "0"], "must be a positive number"),
    (["record", "--out", "x.aiwm", "--duration", "ten"], "is not a number of seconds"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--interval", "nan"], "is not a number of seconds"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--interval", "inf"], "is not a number of seconds"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--interval", "-1"], "must be a positive number"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--interval", "1e300"], "is longer than --duration 5 s"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--interval", "10"], "--interval 10 s is longer than --duration"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--demo", "--time-scale", "0.0001"], "from 0.01 to 1000"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--demo", "--time-scale", "1e9"], "from 0.01 to 1000"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--demo", "--time-scale", "nan"], "from 0.01 to 1000"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--demo", "--time-scale", "inf"], "from 0.01 to 1000"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--demo", "--time-scale", "-2"], "from 0.01 to 1000"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--demo", "--time-scale", "fast"], "is not a number"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--time-scale", "10"], "--time-scale needs --demo"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--demo", "rtx9999"], "unknown demo GPU"),
    (["record", "--out", ".", "--duration", "5"], "it is a folder"),
    (["record", "--out", "", "--duration", "5"], "it is a folder"),
    (["record", "--out", "no-such-folder/x.aiwm", "--duration", "5"], "does not exist"),
    (["snapshot", "--demo", "--time-scale", "1e9"], "from 0.01 to 1000"),
    (["snapshot", "--demo", ","], "empty GPU name in ','"),
    (["snapshot", "--demo", ""], "empty GPU name in ''"),
    (["snapshot", "--demo", "rtx4090,"], "empty GPU name in 'rtx4090,'"),
    (["record", "--out", "x.aiwm", "--duration", "5", "--demo", "rtx4090,,rtx3090"], "empty GPU name"),
    (["record", "--out", "-", "--duration", "5"], "--out -: a session file cannot go to standard output"),
    (["gui", "--after", "5"], "--after needs --screenshot"),
    (["--demo", "--after", "0"], "--after needs --screenshot"),
    (["gui", "--minimized", "--screenshot", "x.png"], "--minimized cannot go with --screenshot"),
    (["export", "missing.aiwm", "--csv", "out.csv"], "no such session file"),
    (["export", ".", "--csv", "out.csv"], "is a folder, not a session file"),
    (["export", "missing.aiwm", "--csv", "."], "it is a folder"),
    (["export", "missing.aiwm", "--csv", "no-such-folder/out.csv"], "does not exist"),
    (["gui", "--after", "1e10", "--screenshot", "x.png"], "must be from 0 to 3600 seconds"),
    (["gui", "--after", "nan", "--screenshot", "x.png"], "is not a number of seconds"),
    (["gui", "--after", "-1", "--screenshot", "x.png"], "must be from 0 to 3600 seconds"),
    (["gui", "--demo", "--time-scale", "0", "--screenshot", "x.png"], "from 0.01 to 1000"),
    (["gui", "--theme", "neon"], "invalid choice"),
    (["gui", "--screenshot", ".", "--after", "0"], "it is a folder"),
    (["--demo", "rtx9999", "--screenshot", "x.png", "--after", "0"], "unknown demo GPU"),
]


def _listing(*folders: Path) -> set[tuple[str, int]]:
    """Every path under `folders` with its modification time, to show that nothing was made or changed."""
    return {(str(p), p.lstat().st_mtime_ns) for folder in folders if folder.exists() for p in folder.rglob("*")}


def _case_id(value: object) -> str:
    return " ".join(value) if isinstance(value, list) else ""


@pytest.mark.parametrize(("args", "message"), ABSURD_ARGUMENTS, ids=_case_id)
def test_absurd_arguments_are_refused_before_any_file_is_created(
    args: list[str], message: str, tmp_path: Path, private_home: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    before = _listing(work, private_home)
    done = _aiwm_in(work, *args)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert _listing(work, private_home) == before


BAD_HOMES = [
    ("a-file", "AIWM_HOME=a-file is not a folder"),
    ("a-file/below-it", "cannot create AIWM_HOME=a-file/below-it: Not a directory"),
    ("/proc/aiwm-cannot-be-made-here", "cannot create AIWM_HOME=/proc/aiwm-cannot-be-made-here: No such file"),
]


@pytest.mark.parametrize("command", [["gui", "--screenshot", "x.png"], ["--screenshot", "x.png"]])
@pytest.mark.parametrize(("home", "message"), BAD_HOMES)
def test_a_bad_aiwm_home_is_one_line_before_any_file_is_created(
    command: list[str], home: str, message: str, tmp_path: Path
) -> None:
    """The window saves its settings in AIWM_HOME, so it needs a usable one."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "a-file").write_text("not a folder")
    before = _listing(work)
    done = _aiwm_in(work, *command, env={"AIWM_HOME": home, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in done.stderr, done.stderr
    assert _listing(work) == before
    assert (work / "a-file").read_text() == "not a folder"


def _aiwm_in(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`aiwm ARGS` run in `folder` with no NVIDIA library, so a missed check cannot reach real hardware."""
    full_env = {**os.environ, "AIWM_NVML_LIBRARY": "/nonexistent/libnvidia-ml.so.1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=60,
        env=full_env,
        check=False,
    )


def test_help_states_the_bounds() -> None:
    record_help = " ".join(_aiwm("record", "--help").stdout.split())
    assert "at most 2,592,000, 30 days" in record_help
    assert "0.01 to 1000" in record_help
    assert "0.25 to --duration" in record_help
    assert "0 to 3600" in " ".join(_aiwm("gui", "--help").stdout.split())


def _small_session(path: Path) -> None:
    from app.core.sampling.sample import Sample
    from app.core.sessions.recorder import Recorder
    from tests.core.fakes import CounterReading

    recorder = Recorder(path, {"simulated": True}, commit_interval_s=0.05)
    for i in range(3):
        recorder.add_sample(Sample("gpu", 1.0, 1_800_000_000.0 + i, 0, 0, CounterReading("gpu0", 40.0 + i)))
    recorder.close()


def test_export_to_dash_writes_the_csv_to_standard_output(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _small_session(tmp_path / "s.aiwm")
    assert main(["export", "s.aiwm", "--csv", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "time,simulated,gpu0.value",
        "2027-01-15T08:00:00.000Z,SIMULATED,40",
        "2027-01-15T08:00:01.000Z,SIMULATED,41",
        "2027-01-15T08:00:02.000Z,SIMULATED,42",
    ]
    assert captured.err == "aiwm: wrote 3 rows x 1 metrics to standard output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.aiwm"]


@pytest.mark.parametrize("target", ["s.aiwm", "old.csv", "link.csv", "/dev/stdout"])
def test_export_refuses_an_existing_output_with_one_line(target: str, tmp_path: Path) -> None:
    _small_session(tmp_path / "s.aiwm")
    (tmp_path / "old.csv").write_text("keep me\n")
    (tmp_path / "link.csv").symlink_to("old.csv")
    before = {p.name: (p.lstat().st_mtime_ns, p.lstat().st_size) for p in tmp_path.iterdir()}
    done = _aiwm_in(tmp_path, "export", "s.aiwm", "--csv", target)
    assert done.returncode == 2 and done.stdout == ""
    if target == "s.aiwm":  # the session itself is named as such
        expected = "--csv s.aiwm is the session file itself; name a new .csv file (nothing was changed)"
    else:
        expected = f"{target} already exists; choose a new file name (nothing was overwritten)"
    assert done.stderr == f"aiwm: error: {expected}\n"
    assert {p.name: (p.lstat().st_mtime_ns, p.lstat().st_size) for p in tmp_path.iterdir()} == before
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "old.csv").read_text() == "keep me\n"


def test_a_corrupt_session_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.aiwm"
    corrupt.write_bytes(os.urandom(4096))
    done = _aiwm("export", str(corrupt), "--csv", str(tmp_path / "out.csv"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "not a readable aiwm session file" in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_record_refuses_to_overwrite_before_sampling(tmp_path: Path) -> None:
    existing = tmp_path / "old.aiwm"
    existing.write_bytes(b"precious")
    done = _aiwm("record", "--out", str(existing), "--duration", "5")
    assert done.returncode == 2 and "already exists" in done.stderr
    assert existing.read_bytes() == b"precious"


@pytest.mark.parametrize(("home", "message"), BAD_HOMES)
def test_record_with_a_bad_aiwm_home_warns_once_and_records_with_default_alerts(
    home: str, message: str, tmp_path: Path
) -> None:
    """`record` only reads settings from AIWM_HOME and writes to --out: an unusable AIWM_HOME costs the saved alerts."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "a-file").write_text("not a folder")
    done = _aiwm_in(work, "record", "--out", "x.aiwm", "--duration", "1", "--demo", env={"AIWM_HOME": home})
    assert done.returncode == 0, done.stderr
    warning = done.stderr.splitlines()[0]
    assert warning.startswith(f"aiwm: warning: {message}") and warning.endswith("; using default alert settings")
    assert [line for line in done.stderr.splitlines() if "warning" in line or "error" in line] == [warning]
    with Session(work / "x.aiwm") as session:
        assert session.simulated and next(session.samples(), None) is not None
    assert (work / "a-file").read_text() == "not a folder"


def unexplained_na(text: str) -> list[str]:
    """The lines of `text` with an "n/a" not followed by "(why)", or whose why is the fallback."""
    return [line for line in text.splitlines() if re.search(r"n/a(?! \()", line) or "no reason given" in line]


@pytest.mark.parametrize(
    "args", [["snapshot", "--demo"], ["snapshot", "--demo", "a100-80gb,rtx4090-degraded"], ["snapshot"]]
)
def test_every_n_a_in_the_snapshot_text_says_why(args: list[str]) -> None:
    """The demo (a passive A100 has no fan reading), and this host without a GPU driver (no AIWM_NVML_LIBRARY)."""
    env = {k: v for k, v in os.environ.items() if k != "AIWM_NVML_LIBRARY"}
    done = subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    assert "n/a" in done.stdout, "this host has readings without a sensor (CPU temperature, link speed)"
    assert unexplained_na(done.stdout) == []
    if "a100-80gb" in args:
        assert "fan n/a (passively cooled: the chassis fans are not the GPU's)" in done.stdout
