"""A report over 24 hours of history, timed as the user waits for it: the whole `aiwm report`
for each format, from a 24-hour session at 1 s synthesised through the recorder from the simulated
GPUs' readings. Target: at most 3 s (the issue: a report over 24 hours written in 3 s, JSON out).

Timed twice: in this process step by step (the build includes the doctor's gathering, which runs
beside the history reading; then each format's writer, the PDF through the window layer's
`app.ui.report_pdf`), and as the real command in a fresh interpreter (start-up and imports
included). Baseline: reading the session's rows alone (`Session.samples()`, what replay and the
CSV export do).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, emit

from app.core.engine import Engine, EngineOptions
from app.core.sampling.sample import Sample
from app.core.sessions.reader import Session
from app.core.sessions.recorder import Recorder
from app.core.snapshot import RATE_GAP_S, read_twice
from app.doctor.gather import gather_facts
from app.doctor.rules import evaluate
from app.report.build import FORMATS, ReportOptions, build_report, write_report

TARGET_S = 3.0
T0 = 1_800_000_000.0
GPU_SOURCES = ("gpu", "gpu_pcie")  # what `aiwm record --demo --time-scale K` records


def make_session(path: Path, engine: Engine, seconds: int) -> int:
    """A session of `seconds` ticks of the simulated GPUs' readings; returns the rows written."""
    readings = {name: r for name, r in read_twice(engine).items() if name in GPU_SOURCES and not isinstance(r, str)}
    recorder = Recorder(path, {"simulated": True, "inventory": {"gpus": []}})
    for second in range(seconds):
        for name, reading in readings.items():
            recorder.add_sample(Sample(name, 1.0, T0 + second, 0.0, 0.0, reading))
    recorder.close()
    return recorder.rows_written


def read_rows(path: Path) -> int:
    with Session(path) as session:
        return sum(1 for _ in session.samples())


def timed(call: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def cpu_timed(call: Any) -> tuple[Any, float, float]:
    """The result, wall seconds and CPU seconds (all threads): on a shared machine CPU time is the steadier figure."""
    cpu = time.process_time()
    result, wall = timed(call)
    return result, wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1 hour of history instead of 24")
    hours = 1 if parser.parse_args().quick else 24
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the PDF is drawn with Qt, without a display
    with tempfile.TemporaryDirectory(prefix="aiwm-bench-report-") as folder, Engine(EngineOptions(demo="")) as engine:
        session = Path(folder) / "day.aiwm"
        rows = make_session(session, engine, hours * 3600)
        _, baseline_s, baseline_cpu_s = cpu_timed(lambda: read_rows(session))
        options = ReportOptions(sessions=(session,))
        document, build_s, build_cpu_s = cpu_timed(lambda: build_report(engine, options))
        writes = {fmt: _write(document, fmt, Path(folder)) for fmt in FORMATS}
        _, doctor_alone_s = timed(lambda: evaluate(gather_facts(engine)))
        commands = {fmt: _command(session, fmt, Path(folder)) for fmt in FORMATS}
        in_process = {fmt: round(build_s + writes[fmt], 3) for fmt in FORMATS}
        emit(
            "report",
            {
                "hours": hours,
                "session_rows": rows,
                "metrics": len(document["history"]["metrics"]),
                "graphs": len(document["graphs"]),
                "json_bytes": (Path(folder) / "r.json").stat().st_size,
                "build_s": round(build_s, 3),
                "build_cpu_s": round(build_cpu_s, 3),
                "build_includes": f"the doctor's gathering (alone: {doctor_alone_s:.2f} s, beside the history "
                f"reading) and the snapshot's {RATE_GAP_S} s gap between its two readings",
                "doctor_alone_s": round(doctor_alone_s, 3),
                "write_s": {fmt: round(seconds, 3) for fmt, seconds in writes.items()},
                "build_and_json_s": in_process["json"],
                "build_and_write_s": in_process,
                "command_s": commands,
                "baseline_read_rows_s": round(baseline_s, 3),
                "baseline_read_rows_cpu_s": round(baseline_cpu_s, 3),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "ratio_vs_baseline": round(in_process["json"] / baseline_s, 2),
                "target_s": TARGET_S,
                "within_target": in_process["json"] <= TARGET_S,
                "commands_within_target": {fmt: seconds <= TARGET_S for fmt, seconds in commands.items()},
            },
        )


def _write(document: dict[str, Any], fmt: str, folder: Path) -> float:
    from app.ui.report_pdf import write_pdf

    _, seconds = timed(lambda: write_report(document, fmt, folder / f"r.{fmt}", write_pdf if fmt == "pdf" else None))
    return seconds


def _command(session: Path, fmt: str, folder: Path) -> float:
    """`aiwm report --format FMT --demo --session day.aiwm` in a fresh interpreter, as the user runs it."""
    out = folder / f"command.{fmt}"
    argv = [
        sys.executable,
        "-m",
        "app",
        "report",
        "--format",
        fmt,
        "--out",
        str(out),
        "--demo",
        "--session",
        str(session),
    ]
    _, seconds = timed(lambda: subprocess.run(argv, check=True, capture_output=True, cwd=ROOT))
    return round(seconds, 3)


if __name__ == "__main__":
    main()
