"""Tests added after planting bugs in app/fleet/ssh.py and app/fleet/remote.py that the suite let pass."""

from __future__ import annotations

from pathlib import Path

from app.fleet.backoff import Backoff
from app.fleet.remote import RemoteHost
from app.fleet.ssh import classify_remote_exit, classify_ssh_exit
from tests.fleet.helpers import Collected, replay_aiwm, ssh_children, wait_for
from tests.fleet.local_sshd import LocalSshd


def test_exit_127_alone_is_not_installed_whatever_the_shell_printed() -> None:
    # A shell in another language (or one that prints nothing) still exits 127 for a missing command
    # (POSIX, "Command Search and Execution"): the status alone says aiwm is not installed.
    for lines in ([], ["bash: aiwm: Befehl nicht gefunden"]):
        problem = classify_remote_exit("gpu1", 127, lines, streamed=False)
        assert problem.kind == "not_installed", lines
    assert classify_ssh_exit("gpu1", 127, "", streamed=False).kind == "not_installed"
    # Another status with nothing said is not taken for a missing program.
    assert classify_remote_exit("gpu1", 126, [], streamed=False).kind == "bad_stream"


def test_retry_now_during_a_back_off_starts_the_waits_again(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("replay")) as sshd:
        options = sshd.ssh_options  # the server is gone: every try is refused
    host = RemoteHost("aiwm-test-host", ssh_options=options, backoff=Backoff(first_s=0.2, factor=10, max_s=100))
    got = Collected(host)
    host.start()
    try:
        wait_for(lambda: host.status.state == "retrying" and host.status.retry_in_s == 2.0, what="the 2 s wait")
        seen = len(got.statuses)
        host.retry_now()
        wait_for(
            lambda: any(s.state == "retrying" for s in got.statuses[seen:]), what="the try after retry_now to fail"
        )
    finally:
        host.stop()
        assert host.wait_stopped()
    after = [s for s in got.statuses[seen:] if s.state == "retrying"]
    assert after[0].retry_in_s == 0.2, "retry_now must reset the back-off, not wait 20 s next"
    assert ssh_children() == []


def test_stop_while_ssh_is_starting_still_ends_it(tmp_path: Path) -> None:
    # stop() that comes after the reader announced "connecting" but before ssh's process is known
    # finds no process to end: the reader must see the stop itself and end the ssh it just started.
    with LocalSshd(tmp_path, replay_aiwm("replay")) as sshd:
        host = RemoteHost(sshd.alias, interval_s=0.1, ssh_options=sshd.ssh_options)
        got = Collected(host)

        def stop_when_connecting(status: object) -> None:
            if getattr(status, "state", None) == "connecting":
                host.stop()

        host.subscribe(on_status=stop_when_connecting)
        host.start()
        assert host.wait_stopped(), "the reader kept streaming after stop()"
        assert ssh_children() == []
        wait_for(lambda: sshd.session_processes() == [], timeout_s=5, what="the remote session to end")
    assert got.samples == [] and host.status.state == "stopped"
