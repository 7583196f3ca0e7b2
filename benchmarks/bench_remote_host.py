"""What one watched remote host costs this machine: a RemoteHost streaming `aiwm stream --demo`
at 1 s over a real sshd on a loopback port (tests/fleet/local_sshd.py), measured as the CPU of the
local `ssh` client process plus this process (the reader thread; nothing else runs here). The
baseline, in the same run: a local LiveSession sampling two simulated GPUs at 1 s in this process.

The remote side (sshd's session and the remote aiwm) runs on the server in real use; it is given
apart. When this build has no `aiwm stream` yet, the remote is the recorded-stream stand-in
(tests/fleet/stream_replay.py, the same bytes per tick) and the JSON says so.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import psutil
from _common import emit

from app.core.engine import Engine, EngineOptions
from app.core.sampling.live import LiveSession
from app.core.settings import AlertSettings
from app.fleet.remote import RemoteHost
from tests.fleet.local_sshd import SSHD, LocalSshd
from tests.fleet.stream_replay import __file__ as REPLAY


def cpu_s(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def processes_cpu_s(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            total += cpu_s(process)
        except psutil.NoSuchProcess:
            continue
    return total


def local_session_percent(warmup_s: float, measure_s: float) -> float:
    """Percent of one core this process uses while a LiveSession samples two demo GPUs at 1 s."""
    me = psutil.Process()
    session = LiveSession(Engine(EngineOptions(demo="rtx4090,rtx3090", interval_s=1.0)), AlertSettings())
    session.subscribe(on_sample=lambda sample: None)
    session.start()
    try:
        time.sleep(warmup_s)
        before, start = cpu_s(me), time.monotonic()
        time.sleep(measure_s)
        used, elapsed = cpu_s(me) - before, time.monotonic() - start
    finally:
        session.stop()
    return round(100.0 * used / elapsed, 3)


def remote_host_percent(workdir: Path, remote_aiwm: list[str] | None, warmup_s: float, measure_s: float) -> dict:
    """Percent of one core of the ssh client, of this process, and of the remote side, for one host."""
    me = psutil.Process()
    with LocalSshd(workdir, remote_aiwm) as sshd:
        host = RemoteHost(
            sshd.alias, interval_s=1.0, ssh_options=sshd.ssh_options, remote_command=("aiwm", "stream", "--demo")
        )
        host.start()
        try:
            time.sleep(warmup_s)
            status = host.status
            if status.state != "streaming":
                return {"streaming": False, "problem": status.problem.kind if status.problem else status.state}
            ssh = [child for child in me.children() if child.name() == "ssh"]
            remote = sshd.session_processes()
            samples_before = status.samples
            ssh_before, me_before, remote_before = processes_cpu_s(ssh), cpu_s(me), processes_cpu_s(remote)
            start = time.monotonic()
            time.sleep(measure_s)
            elapsed = time.monotonic() - start
            ssh_used, me_used = processes_cpu_s(ssh) - ssh_before, cpu_s(me) - me_before
            remote_used = processes_cpu_s(remote) - remote_before
            samples = host.status.samples - samples_before
        finally:
            host.stop()
            host.wait_stopped()
    return {
        "streaming": True,
        "samples_per_s": round(samples / elapsed, 2),
        "ssh_client_percent": round(100.0 * ssh_used / elapsed, 3),
        "reader_process_percent": round(100.0 * me_used / elapsed, 3),
        "per_host_local_percent": round(100.0 * (ssh_used + me_used) / elapsed, 3),
        "remote_side_percent": round(100.0 * remote_used / elapsed, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    warmup, measure = (3.0, 5.0) if quick else (5.0, 20.0)
    if not SSHD.is_file():
        emit("remote_host", {"skipped": f"{SSHD} is not installed (Debian: apt-get install openssh-server)"})
        return
    baseline = local_session_percent(warmup, measure)
    with tempfile.TemporaryDirectory() as folder:
        remote = remote_host_percent(Path(folder) / "real", None, warmup, measure)
        remote_kind = "aiwm stream --demo (this checkout)"
        if not remote["streaming"]:
            remote_kind = f"stand-in replay of the recorded stream (`aiwm stream --demo` gave {remote['problem']})"
            remote = remote_host_percent(
                Path(folder) / "replay", [sys.executable, REPLAY, "replay", "--"], warmup, measure
            )
    per_host = remote.get("per_host_local_percent")
    emit(
        "remote_host",
        {
            "warmup_s": warmup,
            "measure_s": measure,
            "unit": "percent of one core",
            "interval_s": 1.0,
            "remote": remote_kind,
            "baseline_local_live_session_demo_percent": baseline,
            **remote,
            "per_host_vs_baseline": round(per_host / max(baseline, 1e-3), 2) if per_host is not None else None,
        },
    )


if __name__ == "__main__":
    main()
