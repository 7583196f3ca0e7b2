"""`aiwm --smoke-test`: run the child (`aiwm --smoke-child`), pass its step lines through, and fail
on anything else it prints, on a failed or missing step, on a bad exit status or on a timeout.

The child runs this same program (`aiwm_command()`: the bundle's executable, or `python -m app`
from source) offscreen, with `AIWM_HOME` and `TMPDIR` in a temporary folder that is removed
afterwards, so the user's data folder is never read or written.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TextIO

from app.core.errors import UserError
from app.core.self_command import aiwm_command
from app.smoke.lines import failed_steps, is_step_line, missing_steps, step_seconds, unexpected_lines
from app.smoke.stopping import SmokeStopped, StopSignals, killing_its_group, own_group_options, raising_on_stop_signals

CHILD_TIMEOUT_S = 120.0
READER_JOIN_S = 5.0  # after the child ended: a grandchild still holding its output is not waited for
TIMINGS_SCHEMA = "aiwm.smoke-timings/1"


def smoke_test_command(args: argparse.Namespace) -> int:
    """`aiwm --smoke-test [--timings FILE]`: 0 when the child passed every step cleanly, else 1."""
    window_options = {
        "--screenshot": args.screenshot is not None,
        "--after": args.after is not None,
        "--minimized": args.minimized,
    }
    for flag, given in window_options.items():
        if given:
            raise UserError(f"{flag} cannot go with --smoke-test: the smoke test draws its own window offscreen")
    from app.cli.checks import check_new_file, engine_options
    from app.core.gpu.catalog import parse_demo_profiles

    engine_options(args)  # --time-scale needs --demo
    if args.demo is not None:
        parse_demo_profiles(args.demo)
    if args.timings is not None:
        check_new_file(args.timings)
    return run_smoke_test(child_command(args), args.timings)


def child_command(args: argparse.Namespace) -> list[str]:
    """This program's own command line for the child, with the window's simulated GPUs and theme."""
    command = [*aiwm_command(), "--smoke-child", "--demo"]
    if args.demo is not None:
        command.append(args.demo)
    if args.time_scale != 1.0:
        command += ["--time-scale", repr(args.time_scale)]
    if args.theme is not None:
        command += ["--theme", args.theme]
    return command


@dataclass
class ChildRun:
    """What the child printed (lines without their line ends), how it ended, and when."""

    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    status: int | None = None  # None: killed after the timeout
    started_s: float = 0.0  # perf_counter() just before the child was started
    ended_s: float = 0.0  # perf_counter() when it had ended


def run_smoke_test(
    command: Sequence[str], timings: Path | None = None, timeout_s: float = CHILD_TIMEOUT_S, out: TextIO | None = None
) -> int:
    """Run the child `command`, pass its step lines to `out` as they come, check the rest; 0 or 1.

    SIGTERM or SIGHUP stops it as Ctrl+C does: the child's process group is killed, its folder
    removed, and the status is 128 + the signal's number (143 for SIGTERM)."""
    out = out or sys.stdout
    try:
        with raising_on_stop_signals() as stops:
            return _run_and_check(command, timings, timeout_s, out, stops)
    except SmokeStopped as stopped:
        print(f"aiwm: {stopped.name} received: the smoke test's child was stopped", file=sys.stderr, flush=True)
        return 128 + stopped.signum


def _run_and_check(
    command: Sequence[str], timings: Path | None, timeout_s: float, out: TextIO, stops: StopSignals
) -> int:
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="aiwm-smoke-") as folder:
        try:
            run = run_child(command, child_environment(Path(folder)), timeout_s, out, stops)
        except OSError as error:
            return _failed([f"cannot start {command[0]}: {error.strerror or error}"], out)
    problems = child_problems(run, timeout_s)
    if problems:
        return _failed(problems, out)
    total_s = run.ended_s - run.started_s
    steps = step_seconds(run.stdout)
    if timings is not None:
        write_timings(timings, steps, total_s)
    print(f"smoke: passed ({round((time.perf_counter() - began) * 1000)} ms)", file=out, flush=True)
    return 0


def child_environment(folder: Path) -> dict[str, str]:
    """The child's environment: offscreen Qt, every Python warning shown, its data and temporary
    files in `folder` (removed afterwards, even when the child had to be killed)."""
    home, temporary = folder / "home", folder / "tmp"
    home.mkdir()
    temporary.mkdir()
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        AIWM_HOME=str(home),
        TMPDIR=str(temporary),
        PYTHONWARNINGS="default",
        PYTHONIOENCODING="utf-8",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_child(
    command: Sequence[str], env: dict[str, str], timeout_s: float, out: TextIO, stops: StopSignals | None = None
) -> ChildRun:
    """Start the child, collect both streams (step lines also go to `out` at once), wait at most `timeout_s`."""
    stops = stops or StopSignals()
    run = ChildRun(started_s=time.perf_counter())  # just before the child exists: its total is not short
    with stops.starting():
        child = subprocess.Popen(
            list(command),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
            **own_group_options(),  # killed as a group: whatever the child started goes with it
        )
        assert child.stdout is not None and child.stderr is not None
        readers = [
            _reader("aiwm-smoke-stdout", child.stdout, run.stdout, out),
            _reader("aiwm-smoke-stderr", child.stderr, run.stderr, None),
        ]
    try:
        stops.started()
        run.status = child.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _stop(child)
    except BaseException:  # Ctrl+C, SIGTERM, SIGHUP: the child must not outlive the parent and its folder
        _stop(child)
        raise
    finally:
        run.ended_s = time.perf_counter()
        for reader in readers:
            reader.join(READER_JOIN_S)
    return run


def _stop(child: subprocess.Popen[str]) -> None:
    killing_its_group(child)
    child.wait()


def _reader(name: str, stream: IO[str], lines: list[str], echo: TextIO | None) -> threading.Thread:
    """A thread that keeps every line of `stream`, and writes the step lines to `echo` as they come."""

    def read() -> None:
        for raw in stream:
            line = raw.rstrip("\r\n")
            lines.append(line)
            if echo is not None and is_step_line(line):
                print(line, file=echo, flush=True)
        stream.close()

    thread = threading.Thread(target=read, name=name, daemon=True)
    thread.start()
    return thread


def child_problems(run: ChildRun, timeout_s: float) -> list[str]:
    """Why the child's run does not pass (empty when it does): time, status, steps, stray lines."""
    problems = []
    if run.status is None:
        problems.append(f"the child did not finish within {timeout_s:g} s and was stopped")
    elif run.status != 0:
        problems.append(f"the child exited with status {run.status}")
    failed = failed_steps(run.stdout)
    if failed:
        problems.append(f"failed step: {', '.join(failed)}")
    elif run.status == 0 and (missing := missing_steps(step_seconds(run.stdout))):
        problems.append(f"the child exited 0 without passing these steps: {', '.join(missing)}")
    strays = unexpected_lines(run.stdout, run.stderr)
    if strays:
        problems.append(f"{len(strays)} unexpected output line(s) from the child:")
        problems += [f"  {line}" for line in strays]
    return problems


def _failed(problems: list[str], out: TextIO) -> int:
    print(f"smoke: FAILED: {problems[0]}", file=out, flush=True)
    for problem in problems[1:]:
        print(f"smoke: {problem}" if not problem.startswith("  ") else problem, file=out, flush=True)
    return 1


def write_timings(path: Path, steps: dict[str, float], total_s: float) -> None:
    """The JSON for packaging: seconds from the child's start to its first paint and to its end, and each step."""
    from app.core.atomic import atomic_text_writer

    document = {
        "schema": TIMINGS_SCHEMA,
        "first_paint_s": steps["first paint"],
        "total_s": round(total_s, 3),
        "steps": steps,
    }
    try:
        with atomic_text_writer(path, replace=False) as handle:
            handle.write(json.dumps(document, indent=2) + "\n")
    except FileExistsError:
        raise UserError(f"--timings {path}: the file appeared meanwhile; nothing was overwritten") from None
    except OSError as error:
        raise UserError(f"cannot write --timings {path}: {error.strerror or error}") from None
