"""The parent of `aiwm --smoke-test` with fake children: tiny scripts that pass, print a stray
line, fail, or hang; it must fail each bad one with the right reason and exit status 1."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.smoke.parent import run_smoke_test

STEP_LINES = [
    "smoke: first paint ok (1389 ms)",
    "smoke: samples ok (1857 ms)",
    "smoke: dashboard ok (40 ms)",
    "smoke: pages ok (176 ms)",
    "smoke: doctor ok (3295 ms)",
    "smoke: report ok (674 ms)",
    "smoke: cleanup ok (4 ms)",
]


def _child(body: str) -> list[str]:
    """A fake child: Python running `body` after printing nothing (no aiwm involved)."""
    return [sys.executable, "-c", "import os, sys, time\n" + body]


def _printing(lines: list[str], then: str = "") -> list[str]:
    return _child("".join(f"print({line!r}, flush=True)\n" for line in lines) + then)


def _run(command: list[str], timings: Path | None = None, timeout_s: float = 60.0) -> tuple[int, list[str]]:
    out = io.StringIO()
    status = run_smoke_test(command, timings, timeout_s, out)
    return status, out.getvalue().splitlines()


def test_a_child_that_passes_every_step_cleanly_passes_and_its_lines_are_passed_through() -> None:
    status, lines = _run(_printing(STEP_LINES))
    assert status == 0
    assert lines[:-1] == STEP_LINES
    assert lines[-1].startswith("smoke: passed (") and lines[-1].endswith(" ms)")


def test_a_stray_line_on_standard_output_fails_and_is_listed() -> None:
    status, lines = _run(_printing([*STEP_LINES[:3], "debug: here", *STEP_LINES[3:]]))
    assert status == 1
    assert lines[: len(STEP_LINES)] == STEP_LINES  # the step lines still pass through, the stray one does not
    assert lines[len(STEP_LINES) :] == [
        "smoke: FAILED: 1 unexpected output line(s) from the child:",
        "  stdout: debug: here",
    ]


def test_a_python_warning_on_standard_error_fails_the_run() -> None:
    status, lines = _run(_printing(STEP_LINES, then="import warnings; warnings.warn('planted', UserWarning)\n"))
    assert status == 1
    assert "smoke: FAILED: 1 unexpected output line(s) from the child:" in lines
    assert any(line.startswith("  stderr: ") and "UserWarning: planted" in line for line in lines)


def test_a_traceback_fails_with_the_exit_status_and_every_traceback_line() -> None:
    status, lines = _run(_printing(STEP_LINES[:2], then="raise ValueError('planted')\n"))
    assert status == 1
    assert lines[2] == "smoke: FAILED: the child exited with status 1"
    assert "  stderr: Traceback (most recent call last):" in lines
    assert "  stderr: ValueError: planted" in lines


def test_a_child_that_exits_1_after_a_failed_step_fails_naming_the_step() -> None:
    status, lines = _run(_printing([*STEP_LINES[:4], "smoke: doctor FAILED: no findings"], then="sys.exit(1)\n"))
    assert status == 1
    assert lines == [
        *STEP_LINES[:4],
        "smoke: doctor FAILED: no findings",
        "smoke: FAILED: the child exited with status 1",
        "smoke: failed step: doctor",
    ]


def test_a_child_that_exits_0_without_all_steps_fails_naming_the_missing_ones() -> None:
    status, lines = _run(_printing([STEP_LINES[0], *STEP_LINES[2:5]]))
    assert status == 1
    assert lines[-1] == "smoke: FAILED: the child exited 0 without passing these steps: samples, report, cleanup"


def test_a_child_that_hangs_is_stopped_at_the_timeout_and_fails_saying_so() -> None:
    status, lines = _run(_printing(STEP_LINES[:1], then="time.sleep(60)\n"), timeout_s=1.5)
    assert status == 1
    assert lines == [STEP_LINES[0], "smoke: FAILED: the child did not finish within 1.5 s and was stopped"]


def test_a_child_that_cannot_start_fails_with_the_reason(tmp_path: Path) -> None:
    status, lines = _run([str(tmp_path / "no-such-aiwm")])
    assert status == 1
    assert lines == [f"smoke: FAILED: cannot start {tmp_path / 'no-such-aiwm'}: No such file or directory"]


def test_the_child_runs_offscreen_in_a_temporary_data_folder_that_is_removed(
    tmp_path: Path, private_home: Path
) -> None:
    seen = tmp_path / "seen.json"
    keys = ("AIWM_HOME", "TMPDIR", "QT_QPA_PLATFORM", "PYTHONWARNINGS")
    report_env = (
        f"import json, pathlib; pathlib.Path({str(seen)!r})"
        f".write_text(json.dumps({{k: os.environ.get(k) for k in {keys!r}}}))"
    )
    status, _ = _run(_printing(STEP_LINES, then=report_env + "\n"))
    assert status == 0
    env = json.loads(seen.read_text())
    assert env["QT_QPA_PLATFORM"] == "offscreen" and env["PYTHONWARNINGS"] == "default"
    assert Path(env["AIWM_HOME"]) != private_home and Path(env["AIWM_HOME"]).parent == Path(env["TMPDIR"]).parent
    assert not Path(env["AIWM_HOME"]).parent.exists()  # the whole temporary folder is gone


def test_timings_hold_the_childs_first_paint_and_steps_in_seconds(tmp_path: Path) -> None:
    timings = tmp_path / "timings.json"
    status, _ = _run(_printing(STEP_LINES, then="time.sleep(0.3)\n"), timings)
    assert status == 0
    doc = json.loads(timings.read_text())
    assert doc["schema"] == "aiwm.smoke-timings/1"
    assert doc["first_paint_s"] == 1.389
    assert doc["steps"] == {
        "first paint": 1.389,
        "samples": 1.857,
        "dashboard": 0.04,
        "pages": 0.176,
        "doctor": 3.295,
        "report": 0.674,
        "cleanup": 0.004,
    }
    assert 0.3 <= doc["total_s"] < 30  # the fake child's own life: its 0.3 s sleep and a Python start


def test_no_timings_file_is_written_when_the_smoke_test_fails(tmp_path: Path) -> None:
    timings = tmp_path / "timings.json"
    status, _ = _run(_printing([*STEP_LINES, "stray"]), timings)
    assert status == 1
    assert not timings.exists()


def test_the_childs_non_ascii_output_is_read_as_utf8_and_listed() -> None:
    status, lines = _run(_child("sys.stdout.buffer.write('Température 45 °C\\n'.encode()); sys.stdout.flush()\n"))
    assert status == 1
    assert "  stdout: Température 45 °C" in lines


@pytest.mark.skipif(os.name != "posix", reason="a child killed by a signal is a POSIX status")
def test_a_child_killed_by_a_signal_fails() -> None:
    status, lines = _run(_printing(STEP_LINES, then="os.kill(os.getpid(), 9)\n"))
    assert status == 1
    assert "smoke: FAILED: the child exited with status -9" in lines


def test_ctrl_c_in_the_parent_stops_the_child_and_removes_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    children: list[subprocess.Popen[str]] = []
    original_wait = subprocess.Popen.wait

    def interrupted_wait(self: subprocess.Popen[str], timeout: float | None = None) -> int:
        if timeout is not None:  # the parent's wait for the child: Ctrl+C arrives there
            children.append(self)
            time.sleep(0.5)  # the child has written where its data folder is
            raise KeyboardInterrupt
        return original_wait(self)

    monkeypatch.setattr(subprocess.Popen, "wait", interrupted_wait)
    seen = tmp_path / "home.txt"
    with pytest.raises(KeyboardInterrupt):
        _run(_child(f"open({str(seen)!r}, 'w').write(os.environ['AIWM_HOME']); time.sleep(60)\n"))
    assert children[0].returncode is not None  # stopped, not left running
    assert not Path(seen.read_text()).exists()
