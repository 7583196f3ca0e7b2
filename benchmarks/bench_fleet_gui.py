"""The window's cost while it watches 8 remote hosts: CPU of the window's process with the fleet
overview visible, each host a real `RemoteHost` (`ssh -T -o BatchMode=yes ... aiwm stream --demo
--interval 1`) to a local OpenSSH server (tests/fleet/local_sshd.LocalSshd), under Xvfb at
1920x1080 (offscreen when Xvfb is missing).

Baseline in the same run: the same window on the same page with no hosts. The per-host cost is
(fleet - baseline) / hosts. The window's process holds the GUI and every host's reader thread; the
ssh client processes are its children and are reported apart (`ssh_clients_percent`), the sshd
and the remote `aiwm stream` are the servers' cost and are not counted. Target: <= 5 % of a core.

    python benchmarks/bench_fleet_gui.py [--quick] [--hosts 8] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, emit

TARGET_PERCENT = 5.0

# The window, run as its own process so its CPU is only its own. Arguments: hosts file, seconds,
# warm-up seconds, the sshd's alias and ssh options as JSON (empty for the baseline).
WINDOW = r"""
import json, sys, time
import psutil
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from app.core.engine import Engine, EngineOptions
from app.core.sampling.live import LiveSession
from app.core.settings import Settings
from app.fleet.remote import RemoteHost
from app.ui import theme
from app.ui.main_window import MainWindow
from app.ui.pages.hosts import entry
from app.ui.pages.hosts.entry import HostsEntry

seconds, warmup_s, alias, options = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
# Every name on the saved list is one more connection to the same local sshd.
entry.watch_over_ssh = lambda name: RemoteHost(
    alias, interval_s=1.0, ssh_options=options, remote_command=("aiwm", "stream", "--demo")
)
app = QApplication(sys.argv[:1])
theme.apply(app, theme.LIGHT)
window = MainWindow(LiveSession(Engine(EngineOptions(demo="")), Settings().alerts), Settings(), theme.LIGHT)
window.resize(1920, 1080)
window.show()
hosts_entry = next(p for p in window.page_list if isinstance(p, HostsEntry))
window.sidebar.setCurrentRow(window.page_list.index(hosts_entry))
page = hosts_entry.view

def run_events(duration_s):
    deadline = time.monotonic() + duration_s
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)

def streaming():
    return sum(v.status.state == "streaming" and v.state is not None for v in page.fleet.views)

deadline = time.monotonic() + 90
while streaming() < len(page.fleet.views) and time.monotonic() < deadline:
    run_events(0.2)
run_events(warmup_s)
me = psutil.Process()
def ssh_cpu():
    total = 0.0
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.Error:  # an ssh that ended meanwhile (a reconnect)
            pass
    return total
c0, s0, w0 = sum(me.cpu_times()[:2]), ssh_cpu(), time.monotonic()
samples0 = sum(v.status.samples for v in page.fleet.views)
loop = QEventLoop()  # measured as the program runs: the event loop, no polling of our own
QTimer.singleShot(int(seconds * 1000), loop.quit)
loop.exec()
c1, s1, w1 = sum(me.cpu_times()[:2]), ssh_cpu(), time.monotonic()
samples1 = sum(v.status.samples for v in page.fleet.views)
result = {
    "hosts": len(page.fleet.views),
    "hosts_streaming": streaming(),
    "window_percent": round(100.0 * (c1 - c0) / (w1 - w0), 2),
    "ssh_clients_percent": round(100.0 * (s1 - s0) / (w1 - w0), 2),
    "samples_received": samples1 - samples0,
    "dropped_here": sum(v.dropped_here for v in page.fleet.views),
    "gaps": sum(v.gaps for v in page.fleet.views),
    "rows_with_gpus": sum(bool(r.gpu_lines) for r in page.overview.rows.values()),
}
page.shutdown()
window.shutdown()
print(json.dumps(result))
"""


def start_xvfb() -> tuple[subprocess.Popen[bytes] | None, dict[str, str]]:
    """Xvfb on a free display, or Qt's offscreen platform when Xvfb is not installed."""
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    if shutil.which("Xvfb") is None:
        env["QT_QPA_PLATFORM"] = "offscreen"
        return None, env
    number = next(n for n in range(160, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        time.sleep(0.05)
    env["DISPLAY"] = f":{number}"
    return server, env


def measure_window(
    env: dict[str, str], hosts: list[str], alias: str, options: tuple[str, ...], seconds: float, warmup_s: float
) -> dict[str, float]:
    """One run of the window with `hosts` on its saved list (none: the baseline)."""
    from app.fleet.host_list import save_hosts

    home = Path(tempfile.mkdtemp(prefix="aiwm-bench-fleet-"))
    save_hosts(hosts, home / "hosts.json")
    done = subprocess.run(
        [sys.executable, "-c", WINDOW, str(seconds), str(warmup_s), alias, json.dumps(list(options))],
        cwd=ROOT,
        env={**env, "AIWM_HOME": str(home), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + warmup_s + 180,
    )
    if done.returncode != 0:
        sys.exit(f"the window run failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="10 s measured after 5 s warm-up")
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    seconds, warmup_s = (10.0, 5.0) if args.quick else (args.seconds, 10.0)
    try:
        from tests.fleet.local_sshd import LocalSshd
    except ImportError as error:
        sys.exit(f"bench_fleet_gui needs tests/fleet/local_sshd.py (the SSH client's test server): {error}")
    server, env = start_xvfb()
    names = [f"bench-host-{k}" for k in range(1, args.hosts + 1)]
    try:
        with tempfile.TemporaryDirectory(prefix="aiwm-bench-sshd-") as workdir, LocalSshd(Path(workdir)) as sshd:
            baseline = measure_window(env, [], sshd.alias, sshd.ssh_options, seconds, warmup_s)
            fleet = measure_window(env, names, sshd.alias, sshd.ssh_options, seconds, warmup_s)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
    added = fleet["window_percent"] - baseline["window_percent"]
    emit(
        "fleet_gui",
        {
            "screen": "Xvfb 1920x1080x24" if server is not None else "offscreen",
            "page": "Hosts (fleet overview visible)",
            "remote": "aiwm stream --demo --interval 1 over ssh to a local sshd",
            "seconds_measured": seconds,
            "unit": "percent of one core",
            "target_window_percent": TARGET_PERCENT,
            "baseline_no_hosts": baseline,
            "fleet": fleet,
            "added_by_hosts_percent": round(added, 2),
            "per_host_percent": round(added / max(len(names), 1), 3),
            "per_host_ssh_client_percent": round(fleet["ssh_clients_percent"] / max(len(names), 1), 3),
            "within_target": fleet["window_percent"] <= TARGET_PERCENT,
        },
    )


if __name__ == "__main__":
    main()
