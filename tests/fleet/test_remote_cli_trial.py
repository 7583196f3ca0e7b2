"""Findings of a new-user trial of `aiwm snapshot --host` / `doctor --host` (issue 13), each through a
real sshd: a login script that prints a line first, a remote that hangs, a stop signal while ssh
runs, names ssh does not take, and ssh options ssh refuses."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from app.cli import remote_host
from tests.fleet.local_sshd import REPO, LocalSshd, keygen
from tests.fleet.test_remote_cli import run

CONDA_LINE = "conda: base environment activated"  # what a conda init in ~/.bashrc prints on login


def chatty_aiwm(line: str) -> list[str]:
    """A remote aiwm behind a login script that prints `line` on stdout first."""
    return ["/bin/sh", "-c", f'echo {shlex.quote(line)}; exec {shlex.quote(sys.executable)} -m app "$@"', "aiwm"]


def test_snapshot_host_finds_the_json_after_a_line_a_login_script_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocalSshd(tmp_path / "sshd", chatty_aiwm(CONDA_LINE)) as server:
        monkeypatch.setenv("AIWM_SSH_OPTIONS", " ".join(server.ssh_options))
        status, out, err = run(["snapshot", "--host", server.alias, "--json", "--demo", "rtx4090"], capsys)
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert doc["schema"] == "aiwm.snapshot/1" and doc["simulated"] is True


def test_a_remote_that_prints_no_json_is_named_with_what_it_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    only_text = ["/bin/sh", "-c", f"echo {shlex.quote(CONDA_LINE)}", "aiwm"]
    with LocalSshd(tmp_path / "sshd", only_text) as server:
        monkeypatch.setenv("AIWM_SSH_OPTIONS", " ".join(server.ssh_options))
        status, out, err = run(["snapshot", "--host", server.alias], capsys)
    assert (status, out) == (2, "") and err.count("\n") == 1
    assert f"the remote printed something that is not JSON: '{CONDA_LINE}'" in err
    assert "a login script writing to stdout?" in err and "no output" not in err


def test_json_document_takes_the_last_object_after_stray_lines() -> None:
    text = 'conda: base environment activated\n{not json\n{\n  "schema": "x/1",\n  "n": {"a": 1}\n}\nbye\n'
    assert remote_host.json_document(text) == {"schema": "x/1", "n": {"a": 1}}
    assert remote_host.json_document('{"a": 1}\n{"b": 2}\n') == {"b": 2}
    assert remote_host.json_document("hello\n[1, 2]\n") is None


def test_a_refused_login_says_it_without_doubled_punctuation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocalSshd(tmp_path / "sshd") as server:
        keygen(server.workdir / "unauthorised_key")
        config = server.write_client_config("wrong_key_config", identity=server.workdir / "unauthorised_key")
        monkeypatch.setenv("AIWM_SSH_OPTIONS", f"-F {config}")
        status, _, err = run(["snapshot", "--host", server.alias], capsys)
    assert status == 2 and "Permission denied (publickey); aiwm logs in with keys only" in err
    assert ".;" not in err


def test_a_remote_that_hangs_gets_advice_on_what_to_try(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote_host, "SNAPSHOT_TIMEOUT_S", 2.0)
    # the remote outlasts the 2 s time-out by a little: sshd leaves its orphan to init for 4 s at most
    with LocalSshd(tmp_path / "sshd", ["/bin/sh", "-c", "sleep 6", "aiwm"]) as server:
        monkeypatch.setenv("AIWM_SSH_OPTIONS", " ".join(server.ssh_options))
        status, out, err = run(["snapshot", "--host", server.alias], capsys)
    assert (status, out) == (2, "") and err.count("\n") == 1
    assert "ssh did not finish within 2 s" in err
    assert "a login script waits for input" in err and "`ssh aiwm-test-host aiwm snapshot --json`" in err


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_stop_signal_ends_the_ssh_child_too(tmp_path: Path, signum: int, status: int) -> None:
    with LocalSshd(tmp_path / "sshd", ["/bin/sh", "-c", "sleep 30", "aiwm"]) as server:
        env = {**os.environ, "AIWM_SSH_OPTIONS": " ".join(server.ssh_options), "PYTHONPATH": str(REPO)}
        aiwm = subprocess.Popen(
            [sys.executable, "-m", "app", "snapshot", "--host", server.alias],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            ssh = _wait_for_child(aiwm.pid, "ssh")
            _wait_for(lambda: any(p.name() == "sleep" for p in _alive(server.session_processes())))
            remote_sleep = [p for p in _alive(server.session_processes()) if p.name() == "sleep"]
            aiwm.send_signal(signum)
            # a shell reports both as `status`: exit 128 + signum, or killed by the signal
            assert aiwm.wait(10) in (status, -signum)
            _, alive = psutil.wait_procs([ssh], timeout=3)
            assert not alive, f"ssh {ssh.pid} still runs after aiwm ended"
        finally:
            aiwm.kill()
            aiwm.wait()
            if aiwm.stderr is not None:
                aiwm.stderr.close()
            for process in locals().get("remote_sleep", []):  # sshd's session left it to init
                with contextlib.suppress(psutil.NoSuchProcess):
                    process.kill()


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    return [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def _wait_for(condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def _wait_for_child(pid: int, name: str) -> psutil.Process:
    found: list[psutil.Process] = []

    def has_child() -> bool:
        found[:] = [p for p in psutil.Process(pid).children(recursive=True) if p.name() == name]
        return bool(found)

    _wait_for(has_child)
    return found[0]


@pytest.mark.parametrize(
    "host", ["@", "host;id", "x$(id)", "a|b", "a`id`", "a'b", "user@", "a/b", "a&b", "ssh://h:0", "ssh://[::1]:22"]
)
def test_a_host_ssh_does_not_take_is_one_clear_line_before_ssh_runs(
    host: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no ssh to run: the refusal must come first
    status, out, err = run(["snapshot", f"--host={host}"], capsys)
    assert (status, out) == (2, "") and err.count("\n") == 1
    assert err.startswith("aiwm: error: ") and f"host {host!r}" in err and "usage: ssh" not in err


def test_options_ssh_refuses_in_aiwm_ssh_options_are_named(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIWM_SSH_OPTIONS", "--bogus")
    status, out, err = run(["snapshot", "--host", "gpu1"], capsys)
    assert (status, out) == (2, "") and err.count("\n") == 1
    assert "ssh refused the options in AIWM_SSH_OPTIONS: unknown option -- -" in err
    assert "usage:" not in err
