"""The ssh command line, and ssh's exit status + stderr as a HostProblem, on recorded real output
(tests/data/fleet/ssh_stderr, see its README)."""

from __future__ import annotations

import pytest

from app.fleet.ssh import check_host, classify_ssh_exit, ssh_argv, ssh_options_from_env
from tests.conftest import DATA

RECORDED = DATA / "fleet" / "ssh_stderr"


def recorded(name: str) -> tuple[int, str]:
    """(ssh's exit status, its stderr) as recorded."""
    first, _, rest = (RECORDED / f"{name}.txt").read_text().partition("\n")
    assert first.startswith("# exit ")
    return int(first.removeprefix("# exit ")), rest


def test_the_ssh_command_never_asks_and_passes_the_remote_words_quoted() -> None:
    argv = ssh_argv("me@gpu1", ["aiwm", "stream", "--interval", "0.5"], ["-F", "/tmp/my config"], 10, 15)
    assert argv == [
        "ssh",
        "-T",
        "-o",
        "BatchMode=yes",
        "-o",
        "ConnectTimeout=10",
        "-o",
        "ServerAliveInterval=15",
        "-F",
        "/tmp/my config",
        "me@gpu1",
        "--",
        "aiwm",
        "stream",
        "--interval",
        "0.5",
    ]
    # ssh joins the words into one line for the remote shell: each is quoted for it
    assert ssh_argv("gpu1", ["aiwm", "a b;rm"], (), None, None) == [
        "ssh",
        "-T",
        "-o",
        "BatchMode=yes",
        "gpu1",
        "--",
        "aiwm",
        "'a b;rm'",
    ]


@pytest.mark.parametrize("host", ["gpu1", "me@gpu1.example.org", "me@::1", "rack-07_a"])
def test_host_names_aliases_and_user_at_host_are_accepted(host: str) -> None:
    assert check_host(host) == host


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("-oProxyCommand=sh", "starts with '-'"),
        ("gpu 1", "space or a control character"),
        ("gpu1\t", "space or a control character"),
        ("gpu1\x00", "space or a control character"),
        ("", "empty"),
    ],
)
def test_a_host_that_ssh_would_misread_is_refused_in_one_line(host: str, why: str) -> None:
    with pytest.raises(ValueError, match=why) as raised:
        check_host(host)
    assert "\n" not in str(raised.value)


def test_aiwm_ssh_options_are_split_as_a_shell_would() -> None:
    assert ssh_options_from_env({"AIWM_SSH_OPTIONS": "-F '/tmp/my config' -o Port=2222"}) == (
        "-F",
        "/tmp/my config",
        "-o",
        "Port=2222",
    )
    assert ssh_options_from_env({}) == ()
    with pytest.raises(ValueError, match="AIWM_SSH_OPTIONS"):
        ssh_options_from_env({"AIWM_SSH_OPTIONS": "-F 'unclosed"})


@pytest.mark.parametrize(
    ("name", "kind", "says", "advice"),
    [
        ("host_key_changed", "host_key_changed", "Host key for [127.0.0.1]:50529 has changed", "ssh-keygen -R gpu1"),
        ("host_key_unknown", "host_key_unknown", "No ED25519 host key is known for", "ssh gpu1"),
        ("auth_refused", "auth_refused", "Permission denied (publickey)", "ssh-copy-id gpu1"),
        ("not_installed", "not_installed", "aiwm-not-here: command not found", "pip install"),
        ("not_installed_dash", "not_installed", "sh: 1: aiwm: not found", ".deb"),
        ("older_aiwm_without_stream", "old_schema", "invalid choice: 'stream'", "aiwm.stream/1"),
        ("unreachable_refused", "unreachable", "port 1: Connection refused", "ssh gpu1 true"),
        (
            "unreachable_no_such_host",
            "unreachable",
            "Could not resolve hostname no-such-host.invalid",
            "check the name",
        ),
        ("unreachable_timeout", "unreachable", "Connection timed out during banner exchange", "server is up"),
        ("dropped", "unreachable", "closed by remote host", "ssh -v gpu1"),  # before any stream: not a drop
    ],
)
def test_recorded_ssh_failures_before_the_stream_are_told_apart(name: str, kind: str, says: str, advice: str) -> None:
    returncode, stderr = recorded(name)
    problem = classify_ssh_exit("gpu1", returncode, stderr, streamed=False)
    assert problem.kind == kind
    assert problem.message.startswith("gpu1: ") and says in problem.message and "\n" not in problem.message
    assert advice in problem.advice and "\n" not in problem.advice


@pytest.mark.parametrize("name", ["dropped", "unreachable_timeout", "unreachable_refused"])
def test_the_connection_ending_after_the_stream_began_is_a_drop(name: str) -> None:
    returncode, stderr = recorded(name)
    problem = classify_ssh_exit("gpu1", returncode, stderr, streamed=True)
    assert problem.kind == "dropped"
    assert stderr.strip().splitlines()[-1] in problem.message


def test_the_host_key_and_login_problems_stay_what_they_are_mid_session() -> None:
    for name in ("host_key_changed", "auth_refused"):
        returncode, stderr = recorded(name)
        assert classify_ssh_exit("gpu1", returncode, stderr, streamed=True).kind == name


def test_a_remote_that_ends_by_itself_mid_stream_is_a_drop_and_before_it_a_bad_stream() -> None:
    assert classify_ssh_exit("gpu1", 0, "", streamed=True).kind == "dropped"
    early = classify_ssh_exit("gpu1", 1, "Traceback (most recent call last):\nOSError: disk full\n", streamed=False)
    assert early.kind == "bad_stream"
    assert "exit 1" in early.message and "OSError: disk full" in early.message


def test_a_long_remote_message_is_cut_to_one_short_line() -> None:
    problem = classify_ssh_exit("gpu1", 3, "x" * 5000 + "\n", streamed=False)
    assert len(problem.message) <= 200 and "\n" not in problem.message
