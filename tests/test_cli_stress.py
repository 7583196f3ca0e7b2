"""`aiwm stress` end to end: simulated GPU tests at a time scale, the guard stopping a degraded
card, host tests through a stand-in workload, bad input in one line, and Ctrl+C.

The CPU, RAM and disk workloads are built by another developer in parallel (their modules are
placeholders here), so the host kinds run with `make_workload` replaced by a scripted workload.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from app.cli import main
from app.stress import factory
from app.stress.host.disk_phases import DISK_FILLED
from app.stress.records import WorkloadStatus
from app.stress.simulated_load import SimulatedGpuWorkload
from tests.stress.fakes import ScriptedWorkload

NO_NVML = "/nonexistent/libnvidia-ml.so.1"


@pytest.fixture(autouse=True)
def no_real_nvml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIWM_NVML_LIBRARY", NO_NVML)


def _stored(home: Path) -> list[Path]:
    folder = home / "tests" / "stress"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _json_run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    status = main(["stress", *args, "--json"])
    captured = capsys.readouterr()
    return status, json.loads(captured.out), captured.err


def test_demo_gpu_burn_runs_at_a_time_scale_and_is_saved_labelled_simulated(
    capsys: pytest.CaptureFixture[str], private_home: Path
) -> None:
    began = time.monotonic()
    status, doc, err = _json_run(capsys, "gpu", "--demo", "--time-scale", "100", "--duration", "120")
    assert time.monotonic() - began < 10.0  # 120 simulated seconds in about 1.2 real ones
    assert status == 0
    assert doc["schema"] == "aiwm.stress/1" and doc["kind"] == "gpu" and doc["device"] == "gpu0"
    assert doc["verdict"] in ("pass", "warn") and doc["errors"] == 0 and doc["abort_reason"] is None
    assert set(doc["metrics"]) == {"tflops", "peak_tflops", "percent_of_peak"}
    assert 120.0 <= doc["duration_s"] < 130.0
    assert doc["simulated"] is True and "SIMULATED" in doc["details"]["workload"]
    (saved,) = _stored(private_home)
    assert json.loads(saved.read_text(encoding="utf-8")) == doc
    assert f"aiwm: result saved to {saved}" in err
    assert "SIMULATED" in err.splitlines()[0]


def test_demo_vram_test_counts_bytes_tested(capsys: pytest.CaptureFixture[str]) -> None:
    status, doc, _ = _json_run(capsys, "vram", "--demo", "rtx3090", "--time-scale", "100", "--duration", "60")
    assert status == 0 and doc["verdict"] == "pass"
    assert doc["metrics"]["bytes_tested"] > 1e9


def test_a_degraded_demo_card_is_stopped_by_the_thermal_guard_exit_3(
    capsys: pytest.CaptureFixture[str], private_home: Path
) -> None:
    """The degraded RTX 4090 (clogged fins) would settle far above its 90 °C max operating
    temperature under full load; the guard stops the test when it gets there."""
    status, doc, _ = _json_run(capsys, "gpu", "--demo", "rtx4090-degraded", "--time-scale", "300", "--duration", "1800")
    assert status == 3
    assert doc["verdict"] == "aborted"
    assert re.fullmatch(r"safety guard: GPU 0 at 9\d(\.\d)? °C ≥ max operating 90 °C", doc["abort_reason"])
    assert doc["duration_s"] < 1800
    assert json.loads(_stored(private_home)[0].read_text())["verdict"] == "aborted"


def test_readable_output_names_the_verdict_metrics_and_unguarded_limits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stress", "gpu", "--demo", "--time-scale", "100", "--duration", "30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"stress gpu on gpu0 \[SIMULATED\]: (PASS|WARN)", lines[0])
    assert lines[1].startswith("  ran 3") and lines[1].endswith(", 0 errors")
    assert any(re.fullmatch(r"  Share of peak: \d+ %", line) for line in lines)
    assert any(re.fullmatch(r"  Achieved: \d+\.\d TFLOPS", line) for line in lines)
    assert "  not guarded: CPU: no critical temperature is known" in "\n".join(lines)


def test_errors_found_on_a_demo_card_fail_the_test_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def corrupting(kind: str, engine: Any, device_index: int = 0, *_: Any) -> SimulatedGpuWorkload:
        return SimulatedGpuWorkload(engine.gpu_backend, device_index, kind, corrupt_after_s=10.0)  # type: ignore[arg-type]

    monkeypatch.setattr(factory, "make_workload", corrupting)
    status, doc, _ = _json_run(capsys, "gpu", "--demo", "--time-scale", "100", "--duration", "60")
    assert status == 1
    assert doc["verdict"] == "fail" and doc["errors"] > 0
    assert doc["reasons"][0].startswith(f"{doc['errors']} error{'s' if doc['errors'] > 1 else ''} found")


@pytest.mark.parametrize(
    ("args", "expected_call"),
    [
        (["cpu", "--duration", "1"], ("cpu", 0, None, None)),
        (["ram", "--duration", "1", "--size", "1048576"], ("ram", 0, None, 1048576)),
        (["disk", "--duration", "1", "--size", "4096", "--path", "{tmp}"], ("disk", 0, "{tmp}", 4096)),
    ],
)
def test_host_tests_run_the_factorys_workload_with_the_given_options(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    args: list[str],
    expected_call: tuple[Any, ...],
) -> None:
    calls: list[tuple[Any, ...]] = []
    kind = args[0]

    def scripted(kind_: str, _engine: Any, device_index: int, path: Path | None, size: int | None) -> ScriptedWorkload:
        calls.append((kind_, device_index, None if path is None else str(path), size))
        return ScriptedWorkload([WorkloadStatus(True, 4, 0, {"gflops": 350.0})], kind=kind, device=kind)

    monkeypatch.setattr(factory, "make_workload", scripted)
    status, doc, _ = _json_run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert status == 0 and doc["verdict"] == "pass" and doc["kind"] == kind
    assert doc["simulated"] is False
    assert calls == [tuple(str(tmp_path) if x == "{tmp}" else x for x in expected_call)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gpu", "--duration", "0"], "--duration 0 must be more than 0 and at most 86400 s"),
        (["gpu", "--duration", "-5"], "--duration -5 must be more than 0 and at most 86400 s"),
        (["gpu", "--duration", "86401"], "--duration 86401 must be more than 0 and at most 86400 s"),
        (["gpu", "--duration", "nan"], "nan is not a number of seconds"),
        (["gpu", "--device", "-1"], "-1 is not a GPU index (0 or more)"),
        (["gpu", "--demo", "--device", "2"], "--device 2: no such GPU; this machine has 2 (0 to 1)"),
        (["vram", "--size", "0"], "0 must be a positive number of bytes"),
        (["ram", "--size", "lots"], "'lots' is not a number of bytes"),
        (["disk"], "the disk test needs --path DIR"),
        (["disk", "--path", "/nonexistent/scratch"], "--path /nonexistent/scratch: no such folder"),
        (["disk", "--path", "/etc/hostname"], "--path /etc/hostname: is a file, not a folder"),
        (["cpu", "--path", "/tmp"], "--path is for the disk test, not cpu"),
        (["cpu", "--device", "1"], "--device is for the gpu and vram tests, not cpu"),
        (["ram", "--device", "0"], "--device is for the gpu and vram tests, not ram"),
        (["disk", "--device", "0", "--path", "/tmp"], "--device is for the gpu and vram tests, not disk"),
        (
            ["cpu", "--demo", "--time-scale", "100"],
            "--time-scale works only for the simulated GPU tests (gpu, vram): the cpu test loads this machine's"
            " real hardware, in real time",
        ),
        (["ram", "--demo", "--time-scale", "10"], "--time-scale works only for the simulated GPU tests"),
        (["disk", "--demo", "--time-scale", "10", "--path", "/tmp"], "--time-scale works only for the simulated"),
        (
            ["disk", "--path", "/tmp", "--size", "1000000000000"],
            "not enough free space in /tmp: ",  # 1 TB does not fit on this machine's disk with its margin
        ),
        (
            ["vram", "--demo", "rtx3090", "--size", "100000000000"],
            "--size 100000000000: SIMULATED GPU 0: asked to test 95367 MiB of VRAM but only",
        ),
        (["gpu", "--size", "10"], "--size is for the vram, ram and disk tests, not gpu"),
        (["gpu", "--time-scale", "10"], "--time-scale needs --demo"),
        (["gpu", "--demo", "rtx9999"], "unknown demo GPU rtx9999"),
        (["gpu"], "no NVIDIA GPU: "),
        (["vram"], "no NVIDIA GPU: "),
        (["burn"], "invalid choice: 'burn'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_runs_or_is_saved(
    capsys: pytest.CaptureFixture[str], private_home: Path, args: list[str], message: str
) -> None:
    status = _exit_status(["stress", *args])
    err = capsys.readouterr().err
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aiwm: error: ") and message in lines[0], err
    assert _stored(private_home) == []


def _exit_status(argv: list[str]) -> int:
    """main's status; argparse's own errors exit by themselves (one line, status 2)."""
    try:
        return main(argv)
    except SystemExit as exited:
        return int(exited.code or 0)


def test_a_full_disk_refusal_leaves_the_folder_as_it_was_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, private_home: Path
) -> None:
    folder = tmp_path / "drive"
    folder.mkdir()
    (folder / "keep.txt").write_text("the user's file")
    assert _exit_status(["stress", "disk", "--path", str(folder), "--size", "1000000000000"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"aiwm: error: not enough free space in {folder}: ")
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]
    assert _stored(private_home) == []


def test_a_disk_that_fills_up_mid_run_aborts_the_test_with_the_reason_exit_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Another program filled the disk: the drive is not at fault, so the test is aborted, not failed."""
    filled = WorkloadStatus(False, 0, 0, {"seq_write_bytes_per_s": None}, abort_reason=DISK_FILLED)

    def filling(*_: Any) -> ScriptedWorkload:
        return ScriptedWorkload([WorkloadStatus(True), filled], kind="disk", device=str(tmp_path))

    monkeypatch.setattr(factory, "make_workload", filling)
    status, doc, _ = _json_run(capsys, "disk", "--path", str(tmp_path), "--duration", "30")
    assert status == 3
    assert (doc["verdict"], doc["abort_reason"], doc["errors"]) == (
        "aborted",
        "the disk filled up (another program wrote to it)",
        0,
    )
    assert doc["reasons"] == ["aborted: the disk filled up (another program wrote to it)"]


def test_host_tests_with_demo_are_real_results_not_labelled_simulated(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--demo simulates GPUs only: a CPU test run beside them loads the real CPU."""

    def real_cpu(*_: Any) -> ScriptedWorkload:
        return ScriptedWorkload([WorkloadStatus(True, 4, 0, {"gflops": 350.0})])

    monkeypatch.setattr(factory, "make_workload", real_cpu)
    status, doc, err = _json_run(capsys, "cpu", "--demo", "--duration", "1")
    assert status == 0 and doc["simulated"] is False and "simulated" not in doc["details"]
    assert "SIMULATED" not in err
    assert main(["stress", "cpu", "--demo", "--duration", "1"]) == 0
    captured = capsys.readouterr()
    assert "SIMULATED" not in captured.out + captured.err


def test_text_output_names_metrics_in_words_and_units(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """2 988 000 000 B/s is 3.0 GB/s (decimal, as disks are rated); 44 280 IOPS; one iteration is singular."""
    metrics = {
        "seq_write_bytes_per_s": 2.988e9,
        "seq_read_bytes_per_s": 3.41e9,
        "rand_read_iops": 44280.4,
        "rand_read_p50_ms": 0.0871,
        "rand_read_p99_ms": 0.2349,
        "small_files_per_s": 15012.6,
    }

    def disk(*_: Any) -> ScriptedWorkload:
        return ScriptedWorkload([WorkloadStatus(False, 1, 0, metrics)], kind="disk", device=str(tmp_path))

    monkeypatch.setattr(factory, "make_workload", disk)
    assert main(["stress", "disk", "--path", str(tmp_path), "--duration", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "  ran 0.0 s, 0 errors" or re.fullmatch(r"  ran \d+\.\d s, 0 errors", lines[1])
    assert lines[2:8] == [
        "  Sequential write: 3.0 GB/s",
        "  Sequential read: 3.4 GB/s",
        "  Random 4 KiB reads: 44280 IOPS",
        "  Random read median latency: 0.09 ms",
        "  Random read p99 latency: 0.23 ms",
        "  Small files: 15013 files/s",
    ]
    assert re.fullmatch(r"  - 0 errors in \d+\.\d s \(1 iteration\)", lines[8])


def test_a_ram_size_above_the_safe_share_is_said_on_stderr_and_in_the_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """8 GiB asked on a machine with 2 GiB + 32 MiB available (16 GiB total): the 2 GiB floor leaves 32 MiB."""
    from app.stress import host_workloads
    from app.stress.host.ram import MemoryFigures, RamWorkload

    tight = MemoryFigures(total=16 * 2**30, available=2 * 2**30 + 32 * 2**20)
    monkeypatch.setattr(host_workloads, "RamWorkload", lambda size: RamWorkload(size, memory=lambda: tight, workers=1))
    assert main(["stress", "ram", "--size", str(8 * 2**30), "--duration", "2"]) == 0
    captured = capsys.readouterr()
    note = "--size 8589934592 is above the safe share of available memory: capped at 32.00 MiB (33554432 bytes)"
    assert f"aiwm: note: {note}" in captured.err
    assert f"  note: {note}" in captured.out
    assert "  Memory tested: 32.00 MiB" in captured.out.splitlines()


def test_no_gpu_message_suggests_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stress", "gpu"]) == 2
    assert "(try --demo" in capsys.readouterr().err


def test_ctrl_c_stops_the_test_saves_it_aborted_and_exits_130(private_home: Path) -> None:
    env = {**os.environ, "AIWM_NVML_LIBRARY": NO_NVML, "AIWM_HOME": str(private_home)}
    with subprocess.Popen(
        [sys.executable, "-m", "app", "stress", "gpu", "--demo", "--duration", "600", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        assert process.stderr is not None and process.stdout is not None
        assert "SIMULATED" in process.stderr.readline()  # printed just before the load starts
        time.sleep(1.0)
        process.send_signal(signal.SIGINT)
        signalled = time.monotonic()
        out, rest = process.communicate(timeout=30)
        stopped_in_s = time.monotonic() - signalled
    assert process.returncode == 130
    assert stopped_in_s < 3.0
    assert "Traceback" not in rest
    doc = json.loads(out)
    assert doc["verdict"] == "aborted" and doc["abort_reason"].startswith("cancelled after")
    (saved,) = _stored(private_home)
    assert json.loads(saved.read_text())["verdict"] == "aborted"
    assert rest.strip().splitlines() == [f"aiwm: result saved to {saved}"]


def test_help_documents_the_exit_statuses_and_bounds(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["stress", "--help"])
    out = capsys.readouterr().out
    assert "{gpu,vram,cpu,ram,disk}" in out
    assert "at most 86400" in out
    flat = " ".join(out.split())
    assert "exit status: 0 pass, warn or inconclusive; 1 fail; 2 bad input; 3 aborted" in flat
    assert "130 Ctrl+C" in flat


def test_a_result_that_cannot_be_saved_is_still_shown_and_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core.errors import UserError
    from app.stress import store

    def full_disk(_document: dict[str, Any]) -> Path:
        raise UserError("cannot write /data/tests/stress/x.json: No space left on device")

    monkeypatch.setattr(store, "save_result", full_disk)
    status = main(["stress", "gpu", "--demo", "--time-scale", "100", "--duration", "10", "--json"])
    captured = capsys.readouterr()
    assert status == 2
    assert json.loads(captured.out)["verdict"] in ("pass", "warn")
    assert captured.err.strip().splitlines()[-1] == (
        "aiwm: error: the result was not saved: cannot write /data/tests/stress/x.json: No space left on device"
    )


def test_a_time_scaled_run_says_the_host_guards_saw_no_readings_and_does_not_list_them_active(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, doc, _ = _json_run(capsys, "gpu", "--demo", "--time-scale", "100", "--duration", "10")
    why = "(not watched: at time scale 100 only the simulated GPUs are sampled)"
    inactive = doc["details"]["guards_inactive"]
    assert f"NVMe drives below their critical temperature (where the drive reports one) {why}" in inactive
    assert any(re.fullmatch(rf"available RAM above \d+\.\d GiB {re.escape(why)}", line) for line in inactive)
    assert [line[:5] for line in doc["details"]["guards_active"]] == ["GPU 0", "GPU 1"]


def test_progress_line_goes_to_stderr_only_on_a_terminal(private_home: Path) -> None:
    import pty

    env = {**os.environ, "AIWM_NVML_LIBRARY": NO_NVML, "AIWM_HOME": str(private_home)}
    command = [sys.executable, "-m", "app", "stress", "gpu", "--demo", "--time-scale", "10", "--duration", "25"]
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, env=env, timeout=60, check=False)
        os.close(follower)
        terminal = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal's other end is closed: all was read
                break
            if not chunk:
                break
            terminal += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0
    assert re.search(rb"\raiwm: \d+/25 s, 0 errors", terminal.replace(b"\x1b[2K", b""))
    piped = subprocess.run(command, capture_output=True, env=env, timeout=60, check=False, text=True)
    assert "/25 s" not in piped.stderr


def _workers_of(pid: int) -> list[psutil.Process]:
    """The spawned worker processes of `pid` (multiprocessing's resource tracker left out)."""
    workers = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            line = " ".join(child.cmdline())
        except psutil.NoSuchProcess:
            continue
        if "spawn_main" in line:
            workers.append(child)
    return workers


@pytest.mark.parametrize(
    "args",
    [["cpu"], ["ram", "--size", str(64 * 2**20)], ["disk", "--size", str(64 * 2**20), "--path", "{tmp}"]],
    ids=["cpu", "ram", "disk"],
)
def test_ctrl_c_to_the_whole_process_group_stops_a_host_test_without_a_worker_traceback(
    private_home: Path, tmp_path: Path, args: list[str]
) -> None:
    """What a terminal does on Ctrl+C: SIGINT to every process of the foreground group, workers
    included (T9 #1: `setsid timeout -s INT 3 aiwm stress cpu --duration 20`)."""
    env = {**os.environ, "AIWM_NVML_LIBRARY": NO_NVML, "AIWM_HOME": str(private_home)}
    command = [sys.executable, "-m", "app", "stress", *[a.replace("{tmp}", str(tmp_path)) for a in args]]
    with subprocess.Popen(
        [*command, "--duration", "120", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a shell job has
    ) as process:
        deadline = time.monotonic() + 60
        while not _workers_of(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _workers_of(process.pid), "no worker process started"
        time.sleep(2.0)  # the workers are in their loops
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    doc = json.loads(out)
    assert doc["verdict"] == "aborted" and doc["abort_reason"].startswith("cancelled after")
    assert doc["details"].get("crashed") is None and "failed" not in " ".join(doc["reasons"])
    (saved,) = _stored(private_home)
    assert err.strip().splitlines()[-1] == f"aiwm: result saved to {saved}"
    if args[0] == "disk":
        assert list(tmp_path.glob(".aiwm-stress-*")) == []


def test_a_disk_test_killed_with_sigkill_leaves_no_file_behind(private_home: Path, tmp_path: Path) -> None:
    """kill -9 of the command mid-write: its worker sees the pipe close and removes the scratch folder (T9 #12)."""
    env = {**os.environ, "AIWM_NVML_LIBRARY": NO_NVML, "AIWM_HOME": str(private_home)}
    command = [sys.executable, "-m", "app", "stress", "disk", "--path", str(tmp_path), "--size", str(256 * 2**20)]
    with subprocess.Popen(
        [*command, "--duration", "120"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    ) as process:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".aiwm-stress-*/sequential.bin")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(tmp_path.glob(".aiwm-stress-*/sequential.bin")), "the test file never appeared"
        workers = _workers_of(process.pid)
        process.kill()
        process.wait(timeout=10)
    deadline = time.monotonic() + 20
    while list(tmp_path.glob(".aiwm-stress-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".aiwm-stress-*")) == []
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []
