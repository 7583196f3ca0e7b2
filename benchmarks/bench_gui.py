"""The window's cost under Xvfb at 1920x1080: CPU with the dashboard visible and minimised (median of
5 s samples) with 2 and with 8 simulated GPUs, one full redraw (every curve on screen redrawn) with 2
GPUs and with 8 GPUs x 128 synthetic cores, and startup to the first painted window.

Baseline in the same run: a plain pyqtgraph grid of 12 plots x 2 curves x 600 points updated at 1 Hz
in the same Xvfb (4.7 % of a core on an earlier machine, 1.2 % on the 2-CPU VM of 2026-11-28: compare
the dashboard with the baseline of its own run, never across runs).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from _common import ROOT, emit

BASELINE = """
import sys, numpy as np, pyqtgraph as pg
from PySide6 import QtCore, QtWidgets
app = QtWidgets.QApplication([])
w = pg.GraphicsLayoutWidget(); w.resize(1920, 1080)
curves = []
for i in range(12):
    p = w.addPlot(row=i // 4, col=i % 4); p.setXRange(0, 600, padding=0); p.setYRange(0, 1, padding=0)
    curves += [p.plot(pen='y'), p.plot(pen='c')]
w.show(); x = np.arange(600.0); rng = np.random.default_rng(0)
def tick():
    for c in curves: c.setData(x, rng.random(600))
t = QtCore.QTimer(); t.timeout.connect(tick); t.start(1000)
app.exec()
"""


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    number = next(n for n in range(120, 160) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        time.sleep(0.05)
    return server, f":{number}"


WINDOW_S = 5.0  # CPU times tick in 10 ms: a 5 s window resolves 0.2 % of a core


def per_second_cpu(command: list[str], env: dict[str, str], warmup_s: float, seconds: int) -> dict[str, float]:
    """Median (of 5 s windows) and mean percent of one core after warm-up."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        watched = psutil.Process(process.pid)
        time.sleep(warmup_s)
        samples, last = [], watched.cpu_times()
        for _ in range(int(seconds / WINDOW_S)):
            time.sleep(WINDOW_S)
            now = watched.cpu_times()
            samples.append(100.0 * ((now.user - last.user) + (now.system - last.system)) / WINDOW_S)
            last = now
    finally:
        process.terminate()
        process.wait(10)
    return {"median_percent": round(statistics.median(samples), 2), "mean_percent": round(statistics.mean(samples), 2)}


def startup_seconds(env: dict[str, str], folder: Path) -> float:
    shot = folder / "startup.png"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "app", "gui", "--demo", "--screenshot", str(shot), "--after", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return round(time.perf_counter() - started, 2)


EIGHT_GPUS = ",".join(["a100-80gb"] * 8)

REDRAW = """
import os, time, statistics, json
os.environ['QT_QPA_PLATFORM'] = 'offscreen'
from PySide6.QtWidgets import QApplication
from app.core.engine import Engine, EngineOptions
from app.core.records import CpuReading
from app.core.sampling.sample import Sample
from app.core.settings import Settings
from app.ui import theme
from app.core.sampling.live import LiveSession
from app.ui.main_window import MainWindow
DEMO, CORES, REPEATS = {demo!r}, {cores}, {repeats}
app = QApplication([])
theme.apply(app, theme.LIGHT)
# Real time, so the host panel is shown; the sampler is not started. A full 10-minute window of
# history, one tick a second, is read from the engine's own sources (host real, GPUs SIMULATED).
live = LiveSession(Engine(EngineOptions(demo=DEMO)), Settings().alerts)
w = MainWindow(live, Settings(), theme.LIGHT); w.resize(1920, 1080); w.show()
start = time.time() - 600
sources = [s for s in live.engine.sources() if s.name != "smart"]  # smartctl is a subprocess, at 60 s
for k in range(600):
    for source in sources:
        w.state.add(Sample(source.name, 1.0, start + k, 0, 0, source.read()))
for source in sources: source.close()
w.redraw_now(); app.processEvents()
end = w.state.history.newest_time()
page = w.dashboard
plots = [p for panel in page.visible_gpu_panels() for p in panel.plots] + page.host_panel.plots
def feed_cores(step):
    if CORES:  # synthetic readings: values change every redraw, so the per-core view repaints too
        cores = tuple(float((i * 7 + step * 13) % 101) for i in range(CORES))
        w.state.add(Sample("cpu", 1.0, end, 0, 0, CpuReading(50.0, cores, 2400.0, 1.0, 50.0)))
def timed(end_s, step):
    feed_cores(step)
    c0 = time.thread_time(); page.refresh(w.state, end_s); w.repaint(); app.processEvents()
    return (time.thread_time() - c0) * 1000
timed(end, 0)
values_only = [timed(end, k) for k in range(1, REPEATS + 1)]  # same end: no curve moves a pixel
full, redrawn = [], []
for k in range(1, REPEATS + 1):
    end_k = end + 10.0 * k  # 10 s in a 600 s window is >= 1 px at any plot width over 60 px
    full.append(timed(end_k, k))
    redrawn.append(sum(len(p.curves) for p in plots if p._drawn_end_s == end_k))
w.shutdown()
med = lambda v: round(statistics.median(v), 2)
print(json.dumps({{"full_median_ms": med(full), "full_max_ms": round(max(full), 2),
    "values_only_median_ms": med(values_only), "curves_on_screen": sum(len(p.curves) for p in plots),
    "curves_redrawn_per_full_redraw": min(redrawn), "cores": CORES or os.cpu_count()}}))
"""


def redraw_cpu_ms(repeats: int, demo: str = "", cores: int = 0) -> dict[str, float]:
    """One full dashboard redraw with every curve on screen redrawn (the end moves by 10 s, as when
    a new sample arrives), then a synchronous repaint, offscreen; beside it, a redraw in which no
    curve moves (values and chips only), which is what most 1 s ticks cost."""
    done = subprocess.run(
        [sys.executable, "-c", REDRAW.format(demo=demo, cores=cores, repeats=repeats)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    import json

    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    warmup, seconds = (5.0, 10) if quick else (15.0, 60)
    if shutil.which("Xvfb") is None:
        sys.exit("bench_gui needs Xvfb (apt-get install xvfb)")
    server, display = start_xvfb()
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=display, AIWM_HOME=tempfile.mkdtemp(prefix="aiwm-bench-"))
    gui = [sys.executable, "-m", "app", "gui", "--demo"]
    gui8 = [*gui, EIGHT_GPUS]
    try:
        with tempfile.TemporaryDirectory() as folder:
            results = {
                "baseline_pyqtgraph_12x2": per_second_cpu([sys.executable, "-c", BASELINE], env, warmup, seconds),
                "dashboard_visible": per_second_cpu(gui, env, warmup, seconds),
                "dashboard_minimized": per_second_cpu([*gui, "--minimized"], env, warmup, seconds),
                "dashboard_8gpu_visible": per_second_cpu(gui8, env, warmup, seconds),
                "dashboard_8gpu_minimized": per_second_cpu([*gui8, "--minimized"], env, warmup, seconds),
                "startup_to_first_paint_s": startup_seconds(env, Path(folder)),
            }
    finally:
        server.terminate()
        server.wait(10)
    repeats = 10 if quick else 40
    results["redraw_2gpu_cpu_ms"] = redraw_cpu_ms(repeats)
    results["redraw_8gpu_128cores_cpu_ms"] = redraw_cpu_ms(repeats, EIGHT_GPUS, cores=128)
    base = max(results["baseline_pyqtgraph_12x2"]["median_percent"], 1e-3)
    results["visible_vs_baseline"] = round(results["dashboard_visible"]["median_percent"] / base, 2)
    emit(
        "gui",
        {
            "screen": "Xvfb 1920x1080x24",
            "window_s": 600,
            "update_s": 1.0,
            "seconds_measured": seconds,
            "unit": "percent of one core",
            "targets": {"visible": 3.0, "minimized": 0.5},
            **results,
        },
    )


if __name__ == "__main__":
    main()
