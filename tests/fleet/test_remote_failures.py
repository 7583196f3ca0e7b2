"""Each way a remote host can fail, made real against the test's sshd: one line and advice, and
"failed" (wait for the user) or "retrying" (back-off) as retrying can or cannot fix it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.fleet.backoff import Backoff
from app.fleet.records import HostStatus
from app.fleet.remote import RemoteHost
from tests.fleet.helpers import Collected, replay_aiwm, ssh_children, wait_for
from tests.fleet.local_sshd import LocalSshd, keygen


def watch_until(host: RemoteHost, state: str) -> tuple[HostStatus, Collected]:
    """Start `host`, wait for `state`, stop it; its status in that state and what it handed over."""
    got = Collected(host)
    host.start()
    try:
        wait_for(lambda: host.status.state == state, what=f"state {state}")
        status = host.status
        if state == "failed":
            time.sleep(0.5)  # a failed host must not try again by itself
            assert host.status.state == "failed" and sum(s.state == "connecting" for s in got.statuses) == 1
    finally:
        host.stop()
        assert host.wait_stopped()
    assert ssh_children() == []
    assert host.status.state == "stopped"
    return status, got


def test_an_unknown_host_key_fails_and_waits_for_the_user_until_retry_now(tmp_path: Path) -> None:
    known_hosts = tmp_path / "empty_known_hosts"
    known_hosts.write_text("")
    with LocalSshd(tmp_path, replay_aiwm("replay")) as sshd:
        config = sshd.write_client_config("unknown_key_config", known_hosts=known_hosts)
        host = RemoteHost(sshd.alias, interval_s=0.1, ssh_options=("-F", str(config)))
        got = Collected(host)
        host.start()
        try:
            wait_for(lambda: host.status.state == "failed", what="failed")
            problem = host.status.problem
            assert problem is not None and problem.kind == "host_key_unknown"
            assert "No ED25519 host key is known for" in problem.message
            assert problem.message.startswith("aiwm-test-host: ") and "\n" not in problem.message
            assert "ssh aiwm-test-host" in problem.advice
            known_hosts.write_text(sshd.host_key_line + "\n")  # the user checked and accepted the key
            host.retry_now()
            wait_for(lambda: host.status.samples >= 3, what="samples after retry_now")
            assert host.status.state == "streaming" and host.status.problem is None
        finally:
            host.stop()
            assert host.wait_stopped()
    assert got.states()[:4] == ["connecting", "failed", "connecting", "streaming"]


def test_a_changed_host_key_fails_saying_so(tmp_path: Path) -> None:
    other_key = keygen(tmp_path / "another_host_key")
    known_hosts = tmp_path / "stale_known_hosts"
    with LocalSshd(tmp_path, replay_aiwm("replay")) as sshd:
        known_hosts.write_text(f"[127.0.0.1]:{sshd.port} {' '.join(other_key.split()[:2])}\n")
        config = sshd.write_client_config("changed_key_config", known_hosts=known_hosts)
        status, _ = watch_until(RemoteHost(sshd.alias, ssh_options=("-F", str(config))), "failed")
        port = sshd.port
    assert status.problem is not None and status.problem.kind == "host_key_changed"
    assert f"Host key for [127.0.0.1]:{port} has changed" in status.problem.message
    assert "ssh-keygen -R aiwm-test-host" in status.problem.advice


def test_a_key_the_server_does_not_know_is_auth_refused_and_no_password_is_asked(tmp_path: Path) -> None:
    keygen(tmp_path / "unauthorised_key")
    with LocalSshd(tmp_path, replay_aiwm("replay")) as sshd:
        config = sshd.write_client_config("wrong_key_config", identity=tmp_path / "unauthorised_key")
        status, _ = watch_until(RemoteHost(sshd.alias, ssh_options=("-F", str(config))), "failed")
    assert status.problem is not None and status.problem.kind == "auth_refused"
    assert "Permission denied (publickey)" in status.problem.message
    assert "ssh-copy-id aiwm-test-host" in status.problem.advice


def test_aiwm_missing_on_the_remote_fails_and_says_how_to_install_it(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("replay")) as sshd:
        host = RemoteHost(sshd.alias, ssh_options=sshd.ssh_options, remote_command=("aiwm-not-here", "stream"))
        status, _ = watch_until(host, "failed")
    assert status.problem is not None and status.problem.kind == "not_installed"
    assert "aiwm-not-here: command not found" in status.problem.message  # bash's words, exit 127
    assert "pip install" in status.problem.advice and ".deb" in status.problem.advice


def test_an_older_aiwm_with_another_stream_schema_fails_naming_both_versions(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("old-schema")) as sshd:
        status, got = watch_until(RemoteHost(sshd.alias, ssh_options=sshd.ssh_options), "failed")
    assert status.problem is not None and status.problem.kind == "old_schema"
    assert "aiwm.stream/0" in status.problem.message and "0.0.9" in status.problem.message
    assert "aiwm.stream/1" in status.problem.message
    assert got.samples == []


def test_a_login_line_before_the_header_is_skipped_and_the_host_streams(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("banner")) as sshd:
        host = RemoteHost(sshd.alias, interval_s=0.1, ssh_options=sshd.ssh_options)
        got = Collected(host)
        host.start()
        try:
            wait_for(lambda: host.status.samples >= 3, what="samples after a banner line")
            assert host.status.state == "streaming" and host.status.problem is None
            header = host.status.header
        finally:
            host.stop()
            assert host.wait_stopped()
    assert got.states()[:2] == ["connecting", "streaming"] and "retrying" not in got.states()
    assert header is not None and header.host == "demo-host"  # the recorded stream's header, not the banner


def test_a_login_banner_and_no_header_is_a_bad_stream_naming_the_banner(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("garbage")) as sshd:
        host = RemoteHost(sshd.alias, ssh_options=sshd.ssh_options, backoff=Backoff(first_s=30), header_timeout_s=1.0)
        status, _ = watch_until(host, "retrying")
    assert status.problem is not None and status.problem.kind == "bad_stream"
    assert "Welcome to gpu-box" in status.problem.message and status.retry_in_s == 30
    assert "login script" in status.problem.advice


def test_more_stray_lines_than_a_login_script_prints_is_a_bad_stream_at_once(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("flood")) as sshd:
        host = RemoteHost(sshd.alias, ssh_options=sshd.ssh_options, backoff=Backoff(first_s=30))
        started = time.monotonic()
        status, _ = watch_until(host, "retrying")
        took_s = time.monotonic() - started
    assert status.problem is not None and status.problem.kind == "bad_stream"
    assert "'motd line 0'" in status.problem.message and "more than 100 lines" in status.problem.message
    assert took_s < 10.0  # not the 30 s header time-out


def test_no_ssh_program_fails_with_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no `ssh` anywhere on the PATH
    status, _ = watch_until(RemoteHost("gpu1"), "failed")
    assert status.problem is not None and status.problem.kind == "ssh_missing"
    assert "openssh-client" in status.problem.advice


def test_aiwm_ssh_options_from_the_environment_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with LocalSshd(tmp_path, replay_aiwm("replay")) as sshd:
        monkeypatch.setenv("AIWM_SSH_OPTIONS", " ".join(sshd.ssh_options))
        host = RemoteHost(sshd.alias, interval_s=0.1)
        status, _ = watch_until(host, "streaming")
    assert status.header is not None and status.header.host == "demo-host"


@pytest.mark.parametrize("host", ["-oProxyCommand=touch pwned", "gpu 1", "gpu1\n", "gpu\x1b1", ""])
def test_a_host_ssh_would_read_as_an_option_or_that_holds_spaces_is_refused(host: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="host") as raised:
        RemoteHost(host)
    assert "\n" not in str(raised.value)
    assert ssh_children() == []


def test_a_remote_that_connects_but_sends_no_header_is_given_up_and_retried(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("silent")) as sshd:
        host = RemoteHost(sshd.alias, ssh_options=sshd.ssh_options, backoff=Backoff(first_s=30), header_timeout_s=1.0)
        started = time.monotonic()
        status, _ = watch_until(host, "retrying")
        took_s = time.monotonic() - started
    assert status.problem is not None and status.problem.kind == "bad_stream"
    assert "no stream header within 1 s" in status.problem.message
    assert "slow, or waits for input" in status.problem.advice and "prints into the stream" not in status.problem.advice
    assert 1.0 <= took_s < 5.0


def test_retry_now_while_waiting_for_a_slow_header_connects_again_at_once(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("silent")) as sshd:
        host = RemoteHost(sshd.alias, ssh_options=sshd.ssh_options, backoff=Backoff(first_s=30), header_timeout_s=30.0)
        got = Collected(host)
        runs = tmp_path / "argv.log"
        host.start()
        try:
            wait_for(lambda: runs.exists() and len(runs.read_text().splitlines()) == 1, what="the first run")
            started = time.monotonic()
            host.retry_now()
            wait_for(lambda: len(runs.read_text().splitlines()) == 2, what="a second run after retry_now")
            took_s = time.monotonic() - started
            assert host.status.state == "connecting"
        finally:
            host.stop()
            assert host.wait_stopped()
    assert took_s < 10.0  # not the 30 s header time-out, nor the 30 s back-off
    assert "retrying" not in got.states() and "failed" not in got.states()
    assert ssh_children() == []
