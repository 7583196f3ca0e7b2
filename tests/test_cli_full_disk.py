"""A full disk or a full standard output: one error line and exit 2, never a traceback or lost data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.sampling.sample import Sample
from app.core.sessions.recorder import Recorder
from tests.core.fakes import CounterReading
from tests.test_cli import _small_session

PYTHON = f"{sys.executable} -m app"
STDOUT_FULL = "aiwm: error: cannot write standard output: No space left on device\n"


def _in_a_small_tmpfs(script: str, size: str = "200k") -> subprocess.CompletedProcess[str]:
    """Run `script` inside a new tmpfs of `size` (its working folder), in a mount namespace of its own (root)."""
    probe = (
        subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True, check=False)
        if shutil.which("unshare")
        else None
    )
    if probe is None or probe.returncode != 0:
        pytest.skip("needs `unshare -m` and `mount -t tmpfs` (root) to make a small full file system")
    wrapped = f'FULL=$(mktemp -d) && mount -t tmpfs -o size={size} tmpfs "$FULL" && cd "$FULL" && {script}'
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", wrapped], capture_output=True, text=True, timeout=120, check=False
    )


def test_a_full_disk_during_record_is_one_error_line_with_what_was_saved_and_exit_2() -> None:
    """The user's case: 600 s at 0.25 s and 1000x into 200 KiB; the first commit does not fit."""
    done = _in_a_small_tmpfs(
        f"{PYTHON} record --out r.aiwm --duration 600 --interval 0.25 --demo --time-scale 1000; echo status $?;"
        f" {PYTHON} export r.aiwm --csv - | wc -l"
    )
    assert "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert errors[0] == "aiwm: error: writing r.aiwm failed: database or disk is full; 0 readings were saved"
    # The file is still a session (schema and meta), one with no readings, which export says so.
    assert errors[1:] and errors[1].startswith("aiwm: error: r.aiwm: the session holds no readings")
    assert done.stdout.split() == ["status", "2", "0"], "exit 2; export writes no CSV for an empty session"


def test_an_export_into_a_full_disk_is_one_line_exit_2_and_leaves_no_partial_file(tmp_path: Path) -> None:
    session = tmp_path / "s.aiwm"
    recorder = Recorder(session, {"simulated": False}, commit_interval_s=0.05)
    for i in range(1000):  # about 40 KB of CSV, five times the 8 KiB disk
        recorder.add_sample(Sample("gpu", 1.0, 1_800_000_000.0 + i, 0, 0, CounterReading("gpu0", 40.0 + i / 7)))
    recorder.close()
    done = _in_a_small_tmpfs(f"{PYTHON} export {session} --csv out.csv; echo status $?; ls -A", size="8k")
    assert done.stderr == "aiwm: error: cannot write out.csv: No space left on device\n"
    assert done.stdout.split() == ["status", "2"], "exit 2 and no partial file (nor its temporary) is left"


@pytest.mark.parametrize(
    "args",
    [["snapshot", "--demo"], ["snapshot", "--json", "--demo"], ["metrics"], ["metrics", "--json"], ["export"]],
)
def test_a_full_standard_output_is_one_line_and_exit_2(args: list[str], tmp_path: Path) -> None:
    if args == ["export"]:
        _small_session(tmp_path / "s.aiwm")
        args = ["export", str(tmp_path / "s.aiwm"), "--csv", "-"]
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "app", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert (done.returncode, done.stderr) == (2, STDOUT_FULL)
