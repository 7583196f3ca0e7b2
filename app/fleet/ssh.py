"""The system's OpenSSH client as aiwm runs it, and what its exit status and messages mean.

aiwm never speaks SSH itself: `ssh -T -o BatchMode=yes HOST COMMAND` uses the user's own keys,
agent, `~/.ssh/config` (aliases, ProxyJump) and known_hosts. BatchMode makes ssh fail instead of
asking for a password or a host key, so aiwm never asks for or stores one.

ssh exits with the remote command's status, or 255 when ssh itself failed (ssh(1), EXIT STATUS);
a shell exits 127 for a command it cannot find (POSIX, "Command Search and Execution"). The
stderr lines matched below are OpenSSH's own (checked with OpenSSH 9.2 against a test sshd).
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Sequence

from app.fleet.records import STREAM_SCHEMA, HostProblem, ProblemKind

SSH_PROGRAM = "ssh"
SSH_OPTIONS_ENV = "AIWM_SSH_OPTIONS"  # extra ssh options for every connection, shlex-split
SSH_FAILED = 255  # ssh's own failure; any other status is the remote command's
COMMAND_NOT_FOUND = 127
MAX_MESSAGE_CHARS = 200
MAX_PORT = 65535

DEFAULT_CONNECT_TIMEOUT_S = 10
DEFAULT_SERVER_ALIVE_INTERVAL_S = 15  # with ssh's ServerAliveCountMax of 3: a dead link shows within ~45 s

INSTALL_ADVICE = (
    "install aiwm there: copy the aiwm .deb and run `sudo apt install ./aiwm_*.deb`, or `pip install .` "
    "from a copy of the aiwm source, so that `aiwm` is on the PATH of a non-interactive ssh command"
)

# What a destination may hold. ssh(1), DESCRIPTION: the destination is "[user@]hostname or a URI of
# the form ssh://[user@]hostname[:port]"; `[user@]host:port` is NOT ssh syntax (the port is `-p` or the
# URI). A hostname is letters, digits, '-' and '.' (RFC 1123 section 2.1); an ssh_config alias or a
# login name adds '_' and '+'; an IPv6 literal adds ':' and '[ ]' (RFC 3986 section 3.2.2) and a
# scoped one '%' (RFC 6874). Nothing a shell treats specially (; $ ` | & < > ( ) quotes, spaces) is
# allowed: a name is pasted into advice lines a user may run in a terminal.
_HOST_CHARS = re.compile(r"[A-Za-z0-9._\-@:\[\]%+]+")
SSH_URI_PREFIX = "ssh://"
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


def host_problem(host: str) -> str | None:
    """Why `host` is not a destination ssh takes as one argument (one line), or None when it is."""
    if not host:
        return "the host is empty: give user@server or an alias from ~/.ssh/config"
    if host.startswith("-"):
        return f"host {host!r} starts with '-': ssh would read it as an option"
    if _SPACE_OR_CONTROL.search(host):
        return f"host {host!r} holds a space or a control character: not a host name or alias"
    name = host[len(SSH_URI_PREFIX) :] if host.startswith(SSH_URI_PREFIX) else host
    if _HOST_CHARS.fullmatch(name) is None:
        bad = "".join(dict.fromkeys(ch for ch in name if _HOST_CHARS.fullmatch(ch) is None))
        return (
            f"host {host!r} holds {bad!r}: a host is user@server, an ~/.ssh/config alias, an IP address "
            "or ssh://user@server:port (letters, digits and . _ - @ : [ ] % + only)"
        )
    user, at, server = name.rpartition("@")
    if at and (not user or not server):
        return f"host {host!r} has an empty user or server around '@'"
    if "[" in name or "]" in name:
        # OpenSSH (9.2) resolves neither "[::1]" nor "ssh://[::1]:22": it prints its usage text.
        return (
            f"host {host!r}: write an IPv6 address without brackets (e.g. ::1) and give a port "
            f"with '-p PORT' in {SSH_OPTIONS_ENV}"
        )
    if host.startswith(SSH_URI_PREFIX) and ":" in server:
        return _port_problem(host, server.rpartition(":")[2])
    return None


def _port_problem(host: str, port: str) -> str | None:
    """Why the port of an ssh:// URI is not one ssh connects to (a TCP port is 1-65535, RFC 793)."""
    if not port.isascii() or not port.isdigit() or not 1 <= int(port) <= MAX_PORT:
        return f"host {host!r} has port {port!r}: a port is a number from 1 to {MAX_PORT}"
    return None


def check_host(host: str) -> str:
    """The host as typed (`user@server`, an ssh_config alias, an IP address or an ssh:// URI),
    refused with `ValueError` (one line) when ssh would not take it as one destination."""
    problem = host_problem(host)
    if problem is not None:
        raise ValueError(problem)
    return host


def problem_line(message: str, advice: str) -> str:
    """`message; advice` as one line, without doubled punctuation ("(publickey).;")."""
    return f"{message.rstrip(' .;:')}; {advice}" if advice else message


def ssh_options_from_env(environ: dict[str, str] | None = None) -> tuple[str, ...]:
    """`AIWM_SSH_OPTIONS` split as a shell would (e.g. "-F /path/config -o Port=2222"); a value
    that does not split (an unclosed quote) is `ValueError`, one line."""
    text = (os.environ if environ is None else environ).get(SSH_OPTIONS_ENV, "")
    try:
        return tuple(shlex.split(text))
    except ValueError as error:
        raise ValueError(f"{SSH_OPTIONS_ENV}={text!r} does not split into options: {error}") from None


def ssh_argv(
    host: str,
    remote_command: Sequence[str],
    ssh_options: Sequence[str] = (),
    connect_timeout_s: int | None = DEFAULT_CONNECT_TIMEOUT_S,
    server_alive_interval_s: int | None = DEFAULT_SERVER_ALIVE_INTERVAL_S,
    no_stdin: bool = False,
) -> list[str]:
    """`ssh -T -o BatchMode=yes [timeouts] [options] HOST COMMAND...`; the remote command's words
    are quoted for the remote shell, which ssh joins them for. `no_stdin` adds `-n` (stdin from
    /dev/null) for a one-shot command, so ssh never reads the user's terminal."""
    argv = [SSH_PROGRAM, "-T", *(["-n"] if no_stdin else []), "-o", "BatchMode=yes"]
    if connect_timeout_s is not None:
        argv += ["-o", f"ConnectTimeout={connect_timeout_s}"]
    if server_alive_interval_s is not None:
        argv += ["-o", f"ServerAliveInterval={server_alive_interval_s}"]
    argv += [*ssh_options, check_host(host), "--", *(shlex.quote(word) for word in remote_command)]
    return argv


def ssh_missing(host: str) -> HostProblem:
    return HostProblem(
        "ssh_missing",
        f"{host}: no `ssh` program on this machine",
        "install the OpenSSH client (Debian/Ubuntu: sudo apt install openssh-client; "
        "Windows: Settings > Optional features > OpenSSH Client)",
    )


# (kind, stderr patterns, advice) in the order they are tried; the line matching the first
# pattern found becomes the message; {host} is filled in.
_SSH_FAILURES: tuple[tuple[ProblemKind, tuple[str, ...], str], ...] = (
    (
        "host_key_changed",
        (r"Host key for .* has changed", r"REMOTE HOST IDENTIFICATION HAS CHANGED"),
        "the server's key is not the one you accepted before; if it was reinstalled, check the new "
        "fingerprint with its admin, then `ssh-keygen -R {host}` and connect once with `ssh {host}`",
    ),
    (
        "host_key_unknown",
        (r"host key is known for", r"Host key verification failed"),
        "aiwm never accepts a host key for you: connect once in a terminal with `ssh {host}`, "
        "check the fingerprint and answer yes",
    ),
    (
        "auth_refused",
        (r"Permission denied", r"Too many authentication failures"),
        "aiwm logs in with keys only and never asks for a password: `ssh-copy-id {host}`, "
        "or load your key with `ssh-add`, then check that `ssh {host} true` asks for nothing",
    ),
    (
        "unreachable",
        (
            r"Could not resolve hostname",
            r"Connection refused",
            r"timed out",
            r"No route to host",
            r"Network is unreachable",
            r"kex_exchange_identification",
            r"Connection closed by",
            r"Connection reset",
        ),
        "check the name and that the server is up and reachable: `ssh {host} true`",
    ),
)


def _first_match(lines: list[str], patterns: tuple[str, ...]) -> str | None:
    """The line that matches the first pattern found (patterns in order of how well they say it)."""
    for pattern in patterns:
        for line in lines:
            if re.search(pattern, line):
                return line
    return None


def classify_ssh_exit(
    host: str, returncode: int, stderr: str, streamed: bool, command: str = "aiwm stream"
) -> HostProblem:
    """Why an ssh that ran `command` ended: one line naming the host, and what the user can do.

    `streamed` says the stream had begun (a header was read): ssh's own failure is then a
    dropped connection rather than an unreachable host. A one-shot command never streams.
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if returncode == SSH_FAILED and (refused := _refused_options(host, lines)) is not None:
        return refused
    if returncode == SSH_FAILED:
        for kind, patterns, advice in _SSH_FAILURES:
            line = _first_match(lines, patterns)
            if line is not None:
                if streamed and kind == "unreachable":
                    break
                return HostProblem(kind, one_line(host, line), advice.format(host=shlex.quote(host)))
        if streamed:
            return _dropped(host, lines)
        return HostProblem(
            "unreachable",
            one_line(host, lines[-1] if lines else "ssh failed (exit 255) without saying why"),
            f"try `ssh -v {shlex.quote(host)} true` in a terminal to see where it stops",
        )
    return classify_remote_exit(host, returncode, lines, streamed, command)


def _refused_options(host: str, lines: list[str]) -> HostProblem | None:
    """ssh printed its usage text or refused a `-o` option: the options aiwm passed on are wrong.

    aiwm's own options are fixed and the host is checked first, so they come from `AIWM_SSH_OPTIONS`;
    when that is empty, it is not blamed: the line names the host and what ssh said.
    """
    usage = any(line.startswith("usage: ssh") for line in lines)
    bad_option = next((line for line in lines if line.startswith("command-line")), None)
    if not usage and bad_option is None:
        return None
    said = bad_option or next((line for line in lines if not line.startswith("usage:") and "[-" not in line), "")
    said = said or "ssh printed its usage text"
    text = os.environ.get(SSH_OPTIONS_ENV, "")
    if not text.strip():
        return HostProblem(
            "unreachable",
            one_line(host, f"ssh refused the command line: {said}"),
            f"try `ssh {shlex.quote(host)} true` in a terminal to see what ssh says",
        )
    return HostProblem(
        "unreachable",
        f"ssh refused the options in {SSH_OPTIONS_ENV}: {' '.join(said.split())[:MAX_MESSAGE_CHARS]}",
        f"fix {SSH_OPTIONS_ENV} (now {text!r}): ssh options as on its command line, "
        "e.g. '-F ~/.ssh/lab_config -o Port=2222'",
    )


def classify_remote_exit(
    host: str, returncode: int, lines: list[str], streamed: bool, command: str = "aiwm stream"
) -> HostProblem:
    """The remote command ended by itself: not installed, too old for the command, or ended early."""
    not_found = next((line for line in lines if re.search(r"aiwm.*(command not found|not found)", line)), None)
    if returncode == COMMAND_NOT_FOUND or not_found is not None:
        return HostProblem(
            "not_installed",
            one_line(host, not_found or f"aiwm: command not found (exit {returncode})"),
            INSTALL_ADVICE,
        )
    unknown_command = next((line for line in lines if "invalid choice" in line), None)
    if unknown_command is not None:
        return HostProblem(
            "old_schema",
            one_line(host, f"the remote aiwm is older than this command: {unknown_command}"),
            f"update aiwm on {shlex.quote(host)} to the version this machine runs (it speaks {STREAM_SCHEMA})",
        )
    if streamed:
        return _dropped(host, lines or [f"the remote aiwm ended (exit {returncode})"])
    said = lines[-1] if lines else "no output"
    return HostProblem(
        "bad_stream",
        one_line(host, f"the remote `{command}` ended (exit {returncode}) before any output: {said}"),
        f"run `ssh {shlex.quote(host)} {command}` in a terminal to see what it says",
    )


def _dropped(host: str, lines: list[str]) -> HostProblem:
    said = lines[-1] if lines else "the connection ended"
    return HostProblem("dropped", one_line(host, said), "aiwm reconnects by itself; the gap shows in the graphs")


def one_line(host: str, text: str) -> str:
    """`host: text`, one line of at most `MAX_MESSAGE_CHARS` characters (a remote may print anything)."""
    flat = " ".join(text.split())
    line = flat if flat.startswith(f"{host}:") else f"{host}: {flat}"
    return line if len(line) <= MAX_MESSAGE_CHARS else line[: MAX_MESSAGE_CHARS - 1] + "…"
