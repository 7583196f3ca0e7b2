"""A report over 24 hours of history: build the document and write it (JSON; HTML once the
renderer is real) from a 24-hour session at 1 s, synthesised through the recorder from the
simulated GPUs' readings. Target: at most 3 s. Baseline: reading the session's rows alone
(`Session.samples()`, what replay and the CSV export do).

The doctor (which asks Python interpreters in subprocesses) is gathered once before the clock
starts: its time does not grow with the history, and `build_report` takes it as an argument.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import emit

from app.core.engine import Engine, EngineOptions
from app.core.sampling.sample import Sample
from app.core.sessions.reader import Session
from app.core.sessions.recorder import Recorder
from app.core.snapshot import RATE_GAP_S, read_twice
from app.doctor.gather import gather_facts
from app.doctor.rules import evaluate
from app.report.build import ReportOptions, build_report, write_report

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
    with tempfile.TemporaryDirectory(prefix="aiwm-bench-report-") as folder, Engine(EngineOptions(demo="")) as engine:
        session = Path(folder) / "day.aiwm"
        rows = make_session(session, engine, hours * 3600)
        doctor = evaluate(gather_facts(engine))
        _, baseline_s, baseline_cpu_s = cpu_timed(lambda: read_rows(session))
        options = ReportOptions(sessions=(session,))
        document, build_s, build_cpu_s = cpu_timed(lambda: build_report(engine, options, doctor=doctor))
        _, json_s = timed(lambda: write_report(document, "json", Path(folder) / "r.json"))
        html = _html(document, Path(folder) / "r.html")
        total = build_s + json_s
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
                "includes_snapshot_gap_s": RATE_GAP_S,
                "write_json_s": round(json_s, 3),
                "build_and_json_s": round(total, 3),
                "html_s": html,
                "baseline_read_rows_s": round(baseline_s, 3),
                "baseline_read_rows_cpu_s": round(baseline_cpu_s, 3),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "ratio_vs_baseline": round(total / baseline_s, 2),
                "target_s": TARGET_S,
                "within_target": total <= TARGET_S,
            },
        )


def _html(document: dict[str, Any], out: Path) -> float:
    _, seconds = timed(lambda: write_report(document, "html", out))
    return round(seconds, 3)


if __name__ == "__main__":
    main()
