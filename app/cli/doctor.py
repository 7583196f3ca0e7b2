"""`aiwm doctor`: does the driver, CUDA, cuDNN, the frameworks and the GPUs fit together?

Exit 0 when the overall status is pass or warn, 1 when a check fails, 2 for unusable input
(a facts file that is not JSON, the wrong schema, a version that is not a version).
"""

from __future__ import annotations

import argparse
import dataclasses
import json

from app.cli.checks import open_engine
from app.cli.output import print_out
from app.core.errors import UserError
from app.doctor.document import doctor_document, load_facts_file
from app.doctor.facts.environments import environment_problem
from app.doctor.records import DoctorReport, Facts
from app.doctor.rules import evaluate

EXIT_FAILED_CHECK = 1

_MARKS = {"pass": "[PASS]", "info": "[INFO]", "warn": "[WARN]", "fail": "[FAIL]", "skip": "[SKIP]"}
_INDENT = " " * 7


def doctor_command(args: argparse.Namespace) -> int:
    if args.host is not None:  # issue 13: the remote aiwm checks itself, over ssh
        from app.cli.remote_host import remote_doctor_command

        return remote_doctor_command(args)
    report = evaluate(_facts(args))
    print_out(json.dumps(doctor_document(report), indent=2) if args.json else doctor_text(report))
    return EXIT_FAILED_CHECK if report.overall == "fail" else 0


def _facts(args: argparse.Namespace) -> Facts:
    """The facts file, or this machine's facts gathered live (frameworks asked in subprocesses)."""
    if args.time_scale is not None:
        raise UserError("--time-scale: the doctor reads versions and runs no clock; leave it out")
    args = argparse.Namespace(**{**vars(args), "time_scale": 1.0})  # the engine's clock runs in real time
    if args.facts is not None:
        if args.env:
            raise UserError("--env adds environments of this machine; it cannot go with --facts")
        if args.demo is not None:
            raise UserError("--demo simulates this machine's GPUs; it cannot go with --facts")
        return load_facts_file(args.facts)
    for env in args.env or ():
        problem = environment_problem(env)
        if problem is not None:
            raise UserError(f"--env {problem}")
    if args.demo is not None:
        from app.core.gpu.catalog import parse_demo_profiles

        parse_demo_profiles(args.demo)
    from app.doctor.gather import gather_facts

    with open_engine(args) as engine:
        facts = gather_facts(engine, tuple(args.env or ()))
    if args.demo is not None and not facts.simulated:
        facts = dataclasses.replace(facts, simulated=True)  # simulated GPUs are labelled, whatever the gatherer said
    return facts


def doctor_text(report: DoctorReport) -> str:
    """One line per finding (status mark and title), its detail and fix indented, a line when no
    Python environment was checked for frameworks, the overall status last."""
    lines = []
    if report.facts.simulated:
        lines.append("SIMULATED GPUs (--demo): these findings describe simulated hardware")
    for finding in report.findings:
        lines.append(f"{_MARKS[finding.status]} {finding.title}")
        lines.append(f"{_INDENT}{finding.detail}")
        if finding.fix:
            lines.append(f"{_INDENT}fix: {finding.fix}")
        if finding.fix_command:
            lines.append(f"{_INDENT}run: {finding.fix_command}")
    if (not_checked := frameworks_not_checked(report.facts)) is not None:
        lines.append(not_checked)
    counts = {status: sum(f.status == status for f in report.findings) for status in _MARKS}
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    simulated = " (SIMULATED)" if report.facts.simulated else ""
    lines.append(f"overall: {report.overall.upper()}{simulated} - {summary or 'no findings'}")
    return "\n".join(lines)


# Where the line points the user: an environment of their own (a venv or conda folder, or a python).
_ENV_EXAMPLE = {"linux": "aiwm doctor --env ~/venvs/train", "windows": "aiwm doctor --env $HOME\\venvs\\train"}


def frameworks_not_checked(facts: Facts) -> str | None:
    """The line for a doctor that asked no Python environment about PyTorch, TensorFlow or JAX (the
    installed bundle, whose own Python has none, with no conda environment found), or None.

    Without it the text says nothing about frameworks at all; only the JSON's `missing` held why.
    """
    if facts.environments or facts.frameworks:
        return None
    why = dict(facts.missing).get("environments[own]", "no Python environment was asked")
    example = _ENV_EXAMPLE.get(facts.os, _ENV_EXAMPLE["linux"])
    return (
        f"Frameworks: not checked - {why}; name your environment: {example}"
        " (a venv or conda environment folder, or its python)"
    )
