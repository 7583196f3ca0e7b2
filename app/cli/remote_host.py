"""`aiwm snapshot --host HOST` and `aiwm doctor --host HOST`: the remote aiwm answers in JSON over
the same ssh path as the Hosts page (app/fleet/ssh.py), and this aiwm prints it.

ssh options for every connection can be given in `AIWM_SSH_OPTIONS` (e.g. "-F ~/.ssh/lab_config").
Any failure (unreachable, key, login, aiwm missing there, an older aiwm) is one line and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from app.cli.output import print_out
from app.core.errors import UserError
from app.core.proc import run_command
from app.fleet.ssh import check_host, classify_ssh_exit, one_line, ssh_argv, ssh_missing, ssh_options_from_env

SNAPSHOT_SCHEMA = "aiwm.snapshot/1"
DOCTOR_SCHEMA = "aiwm.doctor/1"
SNAPSHOT_TIMEOUT_S = 60.0
DOCTOR_TIMEOUT_S = 300.0  # the remote doctor asks each Python environment in a subprocess


def remote_document(host: str, remote_args: list[str], schema: str, timeout_s: float) -> tuple[dict[str, Any], int]:
    """Run `aiwm REMOTE_ARGS` on `host` over ssh; its JSON document of `schema` and its exit status."""
    try:
        argv = ssh_argv(check_host(host), ["aiwm", *remote_args], ssh_options_from_env(), no_stdin=True)
    except ValueError as error:
        raise UserError(f"--host: {error}") from None
    command = " ".join(["aiwm", *remote_args])
    result = run_command(argv, timeout_s)
    if result.returncode is None:
        if "not installed" in (result.problem or ""):
            problem = ssh_missing(host)
            raise UserError(f"{problem.message}; {problem.advice}")
        raise UserError(one_line(host, f"`{command}` over ssh: {result.problem}"))
    doc = _json_object(result.stdout)
    if doc is None:
        problem = classify_ssh_exit(host, result.returncode, result.stderr, streamed=False, command=command)
        raise UserError(f"{problem.message}; {problem.advice}")
    if doc.get("schema") != schema:
        raise UserError(
            one_line(
                host,
                f"the remote aiwm answered {doc.get('schema')!r}, this aiwm reads {schema!r}: "
                "install the same aiwm version on both machines",
            )
        )
    return doc, result.returncode


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _demo_args(args: argparse.Namespace) -> list[str]:
    """`--demo PROFILE` goes to the remote aiwm: its GPUs are simulated there, labelled SIMULATED."""
    return [] if args.demo is None else ["--demo", args.demo]


def remote_snapshot_command(args: argparse.Namespace) -> int:
    from app.cli.text import snapshot_text

    if args.time_scale != 1.0:
        raise UserError("--time-scale cannot go with --host: a snapshot takes one set of readings")
    doc, _ = remote_document(args.host, ["snapshot", "--json", *_demo_args(args)], SNAPSHOT_SCHEMA, SNAPSHOT_TIMEOUT_S)
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
    doc, _ = remote_document(
        args.host, ["doctor", "--json", *env_args, *_demo_args(args)], DOCTOR_SCHEMA, DOCTOR_TIMEOUT_S
    )
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
