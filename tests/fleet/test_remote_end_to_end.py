"""The whole path once: RemoteHost -> the system's ssh -> a real sshd -> this checkout's own
`aiwm stream --demo` (not a stand-in) -> decoded samples. Needs `aiwm stream` (app/cli/stream.py)."""

from __future__ import annotations

import time
from pathlib import Path

from app.fleet.remote import RemoteHost
from tests.fleet.helpers import Collected, ssh_children, wait_for
from tests.fleet.local_sshd import LocalSshd


def test_a_real_aiwm_stream_demo_over_ssh_gives_simulated_gpu_samples(tmp_path: Path) -> None:
    with LocalSshd(tmp_path) as sshd:
        host = RemoteHost(sshd.alias, ssh_options=sshd.ssh_options, remote_command=("aiwm", "stream", "--demo"))
        got = Collected(host)
        host.start()
        try:
            wait_for(
                lambda: sum(s.source == "gpu" for s in got.samples) >= 2 or host.status.state == "failed",
                timeout_s=60,
                what="two GPU samples from `aiwm stream --demo`",
            )
            status = host.status
        finally:
            host.stop()
            assert host.wait_stopped()
        assert status.state == "streaming", f"no stream: {status.problem}"
        wait_for(lambda: sshd.session_processes() == [], timeout_s=5, what="the remote aiwm to end")
    assert ssh_children() == []
    header = status.header
    assert header is not None and header.simulated
    assert header.inventory.gpus and all("[SIMULATED]" in gpu.name for gpu in header.inventory.gpus)
    gpu_samples = [s for s in got.samples if s.source == "gpu"]
    # the samples are the remote's, made in the last minute
    assert all(abs(s.tick_wall_s - time.time()) < 60 for s in gpu_samples)
    assert all(s.metrics().get("gpu0.temperature_c") is not None for s in gpu_samples)
