"""`aiwm snapshot --host HOST` and `aiwm doctor --host HOST`: the remote aiwm answers in JSON over
the same ssh path as the Hosts page (app/fleet/ssh.py), and this aiwm prints it.

ssh options for every connection can be given in `AIWM_SSH_OPTIONS` (e.g. "-F ~/.ssh/lab_config").
Any failure (unreachable, key, login, aiwm missing there, an older aiwm) is one line and exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from typing import Any

from app.cli.output import print_out
from app.cli.stop_signals import stop_on_signals
from app.core.errors import UserError
from app.core.proc import CommandResult
from app.fleet.ssh import (
    COMMAND_NOT_FOUND,
    SSH_FAILED,
    check_host,
    classify_ssh_exit,
    one_line,
    problem_line,
    ssh_argv,
    ssh_missing,
    ssh_options_from_env,
)

SNAPSHOT_SCHEMA = "aiwm.snapshot/1"
DOCTOR_SCHEMA = "aiwm.doctor/1"
SNAPSHOT_TIMEOUT_S = 60.0
DOCTOR_TIMEOUT_S = 300.0  # the remote doctor asks each Python environment in a subprocess
SIGNAL_POLL_S = 0.2  # how soon a stop signal ends ssh
END_GRACE_S = 2.0  # after SIGTERM to ssh's group, before SIGKILL


class StoppedBySignal(Exception):
    """SIGINT, SIGTERM or SIGHUP came while ssh ran: ssh was ended; exit 128 + `signum`, as shells report it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def remote_document(host: str, remote_args: list[str], schema: str, timeout_s: float) -> tuple[dict[str, Any], int]:
    """Run `aiwm REMOTE_ARGS` on `host` over ssh; its JSON document of `schema` and its exit status.

    `StoppedBySignal` when a stop signal came first (ssh and its process group are ended by then).
    """
    try:
        argv = ssh_argv(check_host(host), ["aiwm", *remote_args], ssh_options_from_env(), no_stdin=True)
    except ValueError as error:
        raise UserError(f"--host: {error}") from None
    command = " ".join(["aiwm", *remote_args])
    result = run_ssh(argv, timeout_s)
    if result.returncode is None:
        if "not installed" in (result.problem or ""):
            problem = ssh_missing(host)
            raise UserError(problem_line(problem.message, problem.advice))
        raise UserError(
            problem_line(
                one_line(host, f"`{command}` over ssh: {result.problem}"),
                f"the host is slow or a login script waits for input: try `ssh {shlex.quote(host)} {command}` by hand",
            )
        )
    doc = json_document(result.stdout)
    if doc is None:
        stray = next((line.strip() for line in result.stdout.splitlines() if line.strip()), None)
        if stray is not None and result.returncode not in (SSH_FAILED, COMMAND_NOT_FOUND):
            raise UserError(
                one_line(
                    host,
                    f"the remote printed something that is not JSON: {stray[:80]!r}"
                    " (a login script writing to stdout?)",
                )
            )
        problem = classify_ssh_exit(host, result.returncode, result.stderr, streamed=False, command=command)
        raise UserError(problem_line(problem.message, problem.advice))
    if doc.get("schema") != schema:
        raise UserError(
            one_line(
                host,
                f"the remote aiwm answered {doc.get('schema')!r}, this aiwm reads {schema!r}: "
                "install the same aiwm version on both machines",
            )
        )
    return doc, result.returncode


def run_ssh(argv: list[str], timeout_s: float) -> CommandResult:
    """`run_command` for ssh, in its own process group that a stop signal (SIGINT, SIGTERM, SIGHUP)
    or the time-out ends whole, so no ssh is left running once this aiwm has ended."""
    if shutil.which(argv[0]) is None:
        return CommandResult(None, "", "", f"{argv[0]} is not installed")
    with stop_on_signals() as stop:
        try:
            process = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
            )
        except OSError as error:
            return CommandResult(None, "", "", f"{argv[0]} could not be started: {error.strerror}")
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                stdout, stderr = process.communicate(timeout=SIGNAL_POLL_S)
                return CommandResult(process.returncode, stdout, stderr)
            except subprocess.TimeoutExpired:
                pass
            if stop.signum is not None:
                _end_group(process)
                raise StoppedBySignal(stop.signum)
            if time.monotonic() >= deadline:
                _end_group(process)
                return CommandResult(None, "", "", f"{argv[0]} did not finish within {timeout_s:g} s")


def _end_group(process: subprocess.Popen[str]) -> None:
    """SIGTERM to ssh's process group, SIGKILL if it has not ended `END_GRACE_S` later."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        try:
            process.communicate(timeout=END_GRACE_S)
            return
        except subprocess.TimeoutExpired:
            continue


def json_document(text: str) -> dict[str, Any] | None:
    """The last top-level JSON object in `text`, found after any stray lines a login script printed
    (each one starting on a line that begins with "{"); None when there is none."""
    decoder = json.JSONDecoder()
    found: dict[str, Any] | None = None
    found_end = offset = 0
    for line in text.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        if not line.startswith("{") or start < found_end:
            continue
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(value, dict):
            found, found_end = value, end
    return found


def _demo_args(args: argparse.Namespace) -> list[str]:
    """`--demo PROFILE` goes to the remote aiwm: its GPUs are simulated there, labelled SIMULATED."""
    return [] if args.demo is None else ["--demo", args.demo]


def remote_snapshot_command(args: argparse.Namespace) -> int:
    from app.cli.text import snapshot_text

    if args.time_scale != 1.0:
        raise UserError("--time-scale cannot go with --host: a snapshot takes one set of readings")
    try:
        doc, _ = remote_document(
            args.host, ["snapshot", "--json", *_demo_args(args)], SNAPSHOT_SCHEMA, SNAPSHOT_TIMEOUT_S
        )
    except StoppedBySignal as stopped:
        return 128 + stopped.signum  # 143 for SIGTERM, 129 for a closed SSH session (SIGHUP), as shells report it
    if args.json:
        print_out(json.dumps(doc, indent=2))
        return 0
    try:
        text = snapshot_text(doc)
    except (KeyError, TypeError, AttributeError, ValueError):  # a remote aiwm of another version
        raise UserError(
            one_line(args.host, "the remote snapshot does not fit this aiwm's text view; use --json")
        ) from None
    print_out(text)
    return 0


def remote_doctor_command(args: argparse.Namespace) -> int:
    from app.cli.doctor import EXIT_FAILED_CHECK

    if args.facts is not None:
        raise UserError("--facts checks a file on this machine; it cannot go with --host")
    if args.time_scale is not None:
        raise UserError("--time-scale: the doctor reads versions and runs no clock; leave it out")
    env_args = [arg for env in args.env or () for arg in ("--env", str(env))]  # folders on the remote
    try:
        doc, _ = remote_document(
            args.host, ["doctor", "--json", *env_args, *_demo_args(args)], DOCTOR_SCHEMA, DOCTOR_TIMEOUT_S
        )
    except StoppedBySignal as stopped:
        return 128 + stopped.signum
    if args.json:
        print_out(json.dumps(doc, indent=2))
    else:
        print_out(_doctor_text(doc, args.host))
    return EXIT_FAILED_CHECK if doc.get("overall") == "fail" else 0


def _doctor_text(doc: dict[str, Any], host: str) -> str:
    """The doctor's own text view of the remote's findings; the JSON, with a note, if they do not fit."""
    from app.cli.doctor import doctor_text
    from app.doctor.document import facts_from_document
    from app.doctor.records import DoctorReport, Finding, overall_of

    try:
        findings = tuple(Finding(**finding) for finding in doc["findings"])
        return doctor_text(DoctorReport(overall_of(findings), findings, facts_from_document(doc["facts"])))
    except (KeyError, TypeError, UserError):  # a remote aiwm of another version
        print(
            f"aiwm: the doctor's findings from {host} do not fit this aiwm's text view; the JSON follows",
            file=sys.stderr,
        )
        return json.dumps(doc, indent=2)
