"""`aiwm record` end to end, in real subprocesses: Ctrl+C, time scales, what the session holds."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.core.sessions.reader import Session


def _aiwm(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def test_ctrl_c_stops_the_recording_cleanly_and_exits_130(tmp_path: Path) -> None:
    session, table = tmp_path / "early.aiwm", tmp_path / "early.csv"
    with subprocess.Popen(
        [sys.executable, "-m", "app", "record", "--out", str(session), "--duration", "600", "--demo"],
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        first_line = process.stderr.readline()  # printed just before sampling starts
        assert "recording SIMULATED GPUs" in first_line
        time.sleep(2.5)
        process.send_signal(signal.SIGINT)
        rest = process.stderr.read()
        assert process.wait(30) == 130
    lines = rest.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in rest, rest
    found = re.fullmatch(
        rf"aiwm: stopped early after (\d+\.\d) s of 600 s; wrote (\d+) samples to {re.escape(str(session))}", lines[0]
    )
    assert found, lines[0]
    assert 1.5 <= float(found.group(1)) <= 30
    with Session(session) as stored:
        rows = sum(1 for _ in stored.samples())
    assert rows == int(found.group(2)) and rows > 0, "every sample counted is in the file"
    done = _aiwm("export", str(session), "--csv", str(table))
    assert done.returncode == 0, done.stderr
    assert table.read_text().startswith("time,simulated,")


def test_a_fast_time_scale_accounts_for_every_tick_and_records_only_simulated_sources(tmp_path: Path) -> None:
    session = tmp_path / "scaled.aiwm"
    done = _aiwm("record", "--out", str(session), "--duration", "1800", "--demo", "--time-scale", "600")
    assert done.returncode == 0, done.stderr
    assert "recording the simulated GPUs only" in done.stderr
    skipped = re.search(r"aiwm: gpu: (\d+) of 1800 ticks skipped", done.stderr)
    with Session(session) as stored:
        sources = [s.source for s in stored.samples()]
        notes = [message for _, kind, message in stored.events() if kind == "ticks_skipped"]
        meta = stored.meta
    # 1800 s at one tick a second: ticks 0 .. 1799, each one a row or counted as skipped.
    skipped_count = int(skipped.group(1)) if skipped else 0
    assert sources.count("gpu") + skipped_count == 1800
    if skipped_count:
        assert any(note.startswith(f"gpu: {skipped_count} of 1800 ticks skipped") for note in notes)
    assert set(sources) == {"gpu", "gpu_pcie"}, "real host readings are not put on the simulated clock"
    assert meta["sources"] == "simulated only"
