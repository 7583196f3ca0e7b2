"""`aiwm thermal` end to end on simulated GPUs at a high time scale.

The stress runner's factory, guard and store are placeholders until the merge, so the command's
workload, guard and store are swapped for the small fakes in tests/stress/thermal/fakes.py.
"""

from __future__ import annotations

import _thread
import json
import threading
from typing import Any

import pytest

import app.cli.thermal as thermal_cli
import app.stress.guard as guard_module
import app.stress.store as store_module
import app.stress.thermal.judge as judge
from app.cli import main
from tests.stress.thermal.fakes import FakeGuard, HeldLoadWorkload, MemoryStore

ISSUE_KEYS = {
    "idle_c",
    "peak_c",
    "steady_c",
    "time_to_steady_s",
    "time_constant_s",
    "headroom_to_slowdown_c",
    "clock_drop_percent",
    "sustained_ratio",
    "throttle_percent",
    "power_fraction",
    "c_per_w",
    "cooldown_s",
}
FAST = ["--time-scale", "200", "--idle", "30", "--duration", "600", "--cooldown", "30"]


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> MemoryStore:
    memory = MemoryStore()
    monkeypatch.setattr(store_module, "save_result", memory.save_result)
    monkeypatch.setattr(judge, "past_results", memory.past_results)
    monkeypatch.setattr(guard_module, "SafetyGuard", lambda inventory: FakeGuard())
    return memory


@pytest.fixture
def workloads(monkeypatch: pytest.MonkeyPatch) -> list[HeldLoadWorkload]:
    made: list[HeldLoadWorkload] = []

    def make(engine: Any, device: str) -> HeldLoadWorkload:
        made.append(HeldLoadWorkload(engine.gpu_backend, int(device[3:])))
        return made[-1]

    monkeypatch.setattr(thermal_cli, "make_thermal_workload", make)
    return made


def _earlier(started_at: str, verdict: str, steady_c: float, c_per_w: float) -> dict[str, Any]:
    return {
        "schema": "aiwm.thermal/1",
        "device": "gpu0",
        "started_at": started_at,
        "verdict": verdict,
        "simulated": True,
        "metrics": {"steady_c": steady_c, "idle_c": 28.4, "c_per_w": c_per_w},
    }


def test_json_document_of_a_healthy_simulated_gpu_compared_with_two_stored_runs(
    store: MemoryStore, workloads: list[HeldLoadWorkload], capsys: pytest.CaptureFixture[str]
) -> None:
    store.docs += [
        _earlier("2026-11-02T10:00:00Z", "pass", 70.0, 0.11),
        _earlier("2026-11-09T10:00:00Z", "fail", 90, 0.2),
    ]
    code = main(["thermal", "--demo", "rtx4090", "--json", *FAST])
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert code == 0, doc["reasons"]
    assert doc["schema"] == "aiwm.thermal/1" and doc["device"] == "gpu0" and doc["verdict"] == "pass", doc["reasons"]
    assert set(doc["metrics"]) >= ISSUE_KEYS
    assert doc["simulated"] is True and set(doc["simulated_truth"]) >= {"time_constant_s", "steady_c"}
    assert [p["phase"] for p in doc["phases"]] == ["idle", "load", "cooldown"]
    assert doc["started_at"].endswith("Z") and doc["program_version"]
    # steady ≈ 77.8 °C against the first passing run's 70.0 °C of 2026-11-02
    assert doc["baseline_comparison"][0].startswith("steady temperature 7.")
    assert "higher than your baseline of 2026-11-02" in doc["baseline_comparison"][0]
    assert store.docs[-1] == doc  # saved, exactly what was printed
    assert "result saved to memory/3.json" in err and "SIMULATED gpu0" in err
    assert workloads[0].started == 1 and workloads[0].stopped == 1


def test_text_of_a_degraded_gpu_says_simulated_fail_and_thermal_slowdown_with_exit_1(
    store: MemoryStore, workloads: list[HeldLoadWorkload], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["thermal", "--demo", "rtx4090-degraded", *FAST])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("*** SIMULATED GPU (--demo): not real hardware ***\nCooling test of gpu0 [SIMULATED]: FAIL")
    assert "THERMAL_SLOWDOWN" in out
    assert "n/a (" in out  # the 30-s cooldown is too short to reach idle + 5 °C, and it says so
    assert store.docs[-1]["verdict"] == "fail"


def test_ctrl_c_cancels_saves_the_aborted_result_and_exits_130(
    store: MemoryStore, workloads: list[HeldLoadWorkload], capsys: pytest.CaptureFixture[str]
) -> None:
    timer = threading.Timer(1.5, _thread.interrupt_main)  # the load starts after 0.15 s at 200×
    timer.start()
    try:
        code = main(["thermal", "--demo", "rtx4090", "--json", "--time-scale", "200", "--idle", "30"])
    finally:
        timer.cancel()
    doc = json.loads(capsys.readouterr().out)
    assert code == 130
    assert doc["verdict"] == "aborted" and "cancelled by the user" in doc["abort_reason"]
    assert store.docs[-1]["verdict"] == "aborted"
    assert workloads[0].stopped == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--duration", "0"], "must be a positive number of seconds"),
        (["--duration", "nan"], "is not a number of seconds"),
        (["--duration", "90000"], "longer than 86,400 s"),
        (["--idle", "-1"], "must be from 0 to 3,600 seconds"),
        (["--cooldown", "4000"], "must be from 0 to 3,600 seconds"),
        (["--device", "gpu01"], "is not a device"),
        (["--device", "npu0"], "is not a device"),
        (["--device", "gpu7", "--demo", "rtx4090"], "--device gpu7: this machine has GPUs gpu0 to gpu0"),
        (["--device", "cpu", "--demo", "--time-scale", "10"], "--time-scale works only with a simulated GPU"),
        (["--time-scale", "10"], "--time-scale needs --demo"),
        (["--demo", "rtx9999"], "unknown demo GPU rtx9999"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str],
    message: str,
    store: MemoryStore,
    workloads: list[HeldLoadWorkload],
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        code = main(["thermal", *argv])
    except SystemExit as exit_:  # argparse's own checks exit from inside the parser
        code = int(exit_.code or 0)
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err
    assert workloads == [] and store.docs == []


def test_an_unusable_data_folder_stops_the_test_before_it_starts(
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    workloads: list[HeldLoadWorkload],
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("AIWM_HOME", str(blocker))
    assert main(["thermal", "--demo", "rtx4090", *FAST]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert workloads == []


def test_help_says_what_the_test_does_its_bounds_and_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    """T9 #19: as `aiwm stress --help` does."""
    with pytest.raises(SystemExit):
        main(["thermal", "--help"])
    flat = " ".join(capsys.readouterr().out.split())
    assert "Cooling test of one GPU or the CPU: an idle baseline, full load, then a cooldown" in flat
    assert "seconds of full load (more than 0, at most 86400; default 600)" in flat
    assert "seconds of idle baseline first (0 to 3600; default 60)" in flat
    assert "seconds of cooldown after the load (0 to 3600; default 300)" in flat
    assert "0.01 to 1000" in flat  # --time-scale
    assert (
        "exit status: 0 pass, warn or inconclusive; 1 fail; 2 bad input; 3 aborted (the safety guard stopped the"
        " test before the load); 130 Ctrl+C (stopped, saved as aborted)"
    ) in flat
