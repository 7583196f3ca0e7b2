"""Checks that need several arguments or the file system, made before a command creates anything,
and the engine options the arguments ask for."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import UserError

if TYPE_CHECKING:
    from app.core.engine import Engine, EngineOptions


def check_before_any_file(args: argparse.Namespace) -> None:
    """Checks that need several arguments or the file system, done before a command creates
    anything, so bad input leaves no half-made session, CSV, screenshot or data folder behind."""
    from app.core.paths import data_dir

    if args.command in ("snapshot", "record", "gui", "thermal"):
        _check_engine_arguments(args)
    if args.command == "thermal":
        if args.device == "cpu" and args.time_scale != 1.0:
            raise UserError("--time-scale works only with a simulated GPU: the CPU heats up in real time")
        data_dir()  # the result is saved there: a bad AIWM_HOME stops the test before it starts
    if args.command == "record":
        from app.core.sessions.recorder import check_new_session_path

        if str(args.out) == "-":
            raise UserError("--out -: a session file cannot go to standard output; name a new .aiwm file")
        check_new_session_path(args.out)
        if args.interval > args.duration:
            raise UserError(f"--interval {args.interval:g} s is longer than --duration {args.duration:g} s")
    elif args.command == "export" and str(args.csv) != "-":
        if args.csv.resolve() == args.session.resolve():
            raise UserError(f"--csv {args.csv} is the session file itself; name a new .csv file (nothing was changed)")
        check_new_file(args.csv)
    elif args.command == "gui":
        _check_screenshot_arguments(args)
        if args.timings is not None:
            raise UserError("--timings needs --smoke-test: it saves the smoke test's times")
    if args.command == "gui":
        data_dir()  # the window saves its settings there: a bad AIWM_HOME stops it here


def _check_screenshot_arguments(args: argparse.Namespace) -> None:
    """`--after` only with `--screenshot`, never `--minimized` with it (an empty picture), and a new file."""
    if args.screenshot is None:
        if args.after is not None:
            raise UserError("--after needs --screenshot: it is the time before the screenshot")
        return
    if args.minimized:
        raise UserError("--minimized cannot go with --screenshot: a minimised window draws no readings to save")
    check_new_file(args.screenshot)


def _check_engine_arguments(args: argparse.Namespace) -> None:
    """`--time-scale` only with `--demo`, and every `--demo` profile known."""
    engine_options(args)
    if args.demo is not None:
        from app.core.gpu.catalog import parse_demo_profiles

        parse_demo_profiles(args.demo)


def check_new_file(path: Path) -> None:
    """A file the command will create: its folder must exist and nothing may have its name yet."""
    from app.core.atomic import check_writable, refuse_existing

    check_writable(path)
    refuse_existing(path)


def engine_options(args: argparse.Namespace, interval_s: float = 1.0) -> EngineOptions:
    from app.core.engine import EngineOptions

    if args.time_scale != 1.0 and args.demo is None:
        raise UserError("--time-scale needs --demo: real hardware runs in real time")
    return EngineOptions(demo=args.demo, time_scale=args.time_scale, interval_s=interval_s)


def open_engine(args: argparse.Namespace, interval_s: float = 1.0) -> Engine:
    from app.core.engine import Engine

    return Engine(engine_options(args, interval_s))
