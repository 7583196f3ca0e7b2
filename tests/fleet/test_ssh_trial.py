"""ssh destinations and the advice lines built from them (issue 13, new-user trial).

ssh(1) (OpenSSH 9.2, DESCRIPTION): "ssh connects and logs into the specified destination, which may
be specified as either [user@]hostname or a URI of the form ssh://[user@]hostname[:port]".
`[user@]host:port` is not among them. An IPv6 literal is written in brackets in a URI (RFC 3986
section 3.2.2), with a zone after '%' (RFC 6874).
"""

from __future__ import annotations

import shlex
import subprocess

import pytest

from app.fleet.ssh import check_host, classify_ssh_exit, host_problem, problem_line


@pytest.mark.parametrize(
    "host",
    [
        "gpu1",
        "alice@gpu1.example.org",
        "lab_box-2",
        "192.0.2.10",
        "2001:db8::1",
        "fe80::1%eth0",
        "ssh://alice@gpu1.example.org:2222",
        "ssh://gpu1:1",
        "ssh://gpu1:65535",
        "bob+ops@gpu1",
    ],
)
def test_destinations_ssh_takes_are_accepted(host: str) -> None:
    assert host_problem(host) is None and check_host(host) == host


@pytest.mark.parametrize(
    ("host", "bad"),
    [
        ("host;id", ";"),
        ("x$(id)", "$()"),
        ("a|b", "|"),
        ("a`id`", "`"),
        ("a'b", "'"),
        ('a"b', '"'),
        ("a&b", "&"),
        ("a<b>", "<>"),
        ("a/b", "/"),
        ("a\\b", "\\"),
        ("a*", "*"),
        ("ä.example", "ä"),
    ],
)
def test_shell_metacharacters_are_refused_naming_them(host: str, bad: str) -> None:
    problem = host_problem(host)
    assert problem is not None and repr(bad) in problem and "\n" not in problem
    with pytest.raises(ValueError):
        check_host(host)


@pytest.mark.parametrize("host", ["@", "user@", "@gpu1", "ssh://"])
def test_an_empty_user_or_server_is_refused(host: str) -> None:
    assert host_problem(host) is not None


def test_every_advice_line_quotes_the_host_for_a_shell() -> None:
    host = "[2001:db8::1]"  # '[' and ']' are a shell's glob characters
    quoted = shlex.quote(host)
    assert quoted != host
    for stderr, returncode in [
        ("alice@x: Permission denied (publickey).\n", 255),
        ("Host key verification failed.\n", 255),
        ("ssh: connect to host x port 22: Connection refused\n", 255),
        ("something else\n", 255),
        ("Traceback\n", 1),
    ]:
        advice = classify_ssh_exit(host, returncode, stderr, streamed=False).advice
        assert quoted in advice and f" {host} " not in advice, advice


def test_problem_line_does_not_double_the_punctuation() -> None:
    assert problem_line("gpu1: Permission denied (publickey).", "add a key") == (
        "gpu1: Permission denied (publickey); add a key"
    )
    assert problem_line("gpu1: Host key verification failed.", "x") == "gpu1: Host key verification failed; x"
    assert problem_line("gpu1: no ssh", "") == "gpu1: no ssh"


def test_ssh_usage_text_for_bad_options_becomes_one_line_naming_aiwm_ssh_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIWM_SSH_OPTIONS", "--bogus")
    done = subprocess.run(["ssh", "--bogus", "gpu1", "true"], capture_output=True, text=True, timeout=10, check=False)
    problem = classify_ssh_exit("gpu1", done.returncode, done.stderr, streamed=False)
    assert problem.message == "ssh refused the options in AIWM_SSH_OPTIONS: unknown option -- -"
    assert "'--bogus'" in problem.advice and "usage" not in problem.message
    bad_o = "command-line: line 0: Bad configuration option: bogus\n"  # OpenSSH 9.2, `ssh -o bogus=1`
    assert "Bad configuration option: bogus" in classify_ssh_exit("gpu1", 255, bad_o, streamed=False).message


# OpenSSH 9.2 (Debian 12) answers each of these with its usage text, or "Could not resolve hostname
# [::1]" (checked by hand: `ssh -T -o BatchMode=yes 'ssh://h:0' true`); a TCP port is 1-65535.
@pytest.mark.parametrize(
    ("host", "says"),
    [
        ("ssh://h:0", "port '0': a port is a number from 1 to 65535"),
        ("ssh://h:99999", "port '99999': a port is a number from 1 to 65535"),
        ("ssh://me@h:65536", "port '65536'"),
        ("ssh://h:", "port ''"),
        ("ssh://h:ssh", "port 'ssh'"),
        ("ssh://[::1]:22", "without brackets (e.g. ::1)"),
        ("ssh://[2001:db8::1]:2222", "'-p PORT' in AIWM_SSH_OPTIONS"),
        ("me@[::1]", "without brackets"),
        ("[::1]", "without brackets"),
    ],
)
def test_ports_and_bracketed_addresses_ssh_refuses_are_refused_first(host: str, says: str) -> None:
    problem = host_problem(host)
    assert problem is not None and says in problem and repr(host) in problem and "\n" not in problem
    with pytest.raises(ValueError, match="host"):
        check_host(host)


def test_ssh_usage_text_without_aiwm_ssh_options_names_the_command_line_and_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AIWM_SSH_OPTIONS", raising=False)
    done = subprocess.run(["ssh", "ssh://h:0", "true"], capture_output=True, text=True, timeout=10, check=False)
    assert done.returncode == 255 and "usage: ssh" in done.stderr  # what OpenSSH does with it
    problem = classify_ssh_exit("ssh://h:0", done.returncode, done.stderr, streamed=False)
    assert problem.message.startswith("ssh://h:0: ssh refused the command line")
    assert "AIWM_SSH_OPTIONS" not in problem.message + problem.advice
    monkeypatch.setenv("AIWM_SSH_OPTIONS", "  ")
    assert "AIWM_SSH_OPTIONS" not in classify_ssh_exit("h", 255, done.stderr, streamed=False).message
