"""`aiwm`: the command line. Imports no Qt except for the `gui` command, so it starts fast over SSH.

Bad input ends with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from app import __version__
from app.core.errors import UserError
from app.core.sampling.sampler import MIN_INTERVAL_S

if TYPE_CHECKING:
    from app.core.engine import Engine, EngineOptions
    from app.core.sampling.live import StoppedRecording
    from app.core.settings import AlertSettings

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(
            EXIT_USAGE,
            f"aiwm: error: {message} (see 'aiwm {self.prog.split()[-1]} --help')\n"
            if " " in self.prog
            else f"aiwm: error: {message} (see 'aiwm --help')\n",
        )


MAX_DURATION_S = 30 * 24 * 3600  # 2,592,000 s: a month is the longest recording anyone plans
MIN_TIME_SCALE, MAX_TIME_SCALE = 0.01, 1000.0
DEFAULT_AFTER_S = 5.0
MAX_AFTER_S = 3600.0  # a screenshot an hour in: longer is a typo, and Qt's timers stop at 24.8 days


def _seconds(text: str) -> float:
    """A finite number of seconds (argparse type); `nan` and `inf` are not numbers of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text} is not a number of seconds")
    return value


def _positive_seconds(text: str) -> float:
    value = _seconds(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} must be a positive number of seconds")
    return value


def _duration(text: str) -> float:
    value = _positive_seconds(text)
    if value > MAX_DURATION_S:
        raise argparse.ArgumentTypeError(f"{text} is longer than the longest recording, {MAX_DURATION_S:,} s (30 days)")
    return value


def _after(text: str) -> float:
    value = _seconds(text)
    if not 0 <= value <= MAX_AFTER_S:
        raise argparse.ArgumentTypeError(f"{text} must be from 0 to {MAX_AFTER_S:g} seconds")
    return value


def _interval(text: str) -> float:
    value = _positive_seconds(text)
    if value < MIN_INTERVAL_S:
        raise argparse.ArgumentTypeError(f"{text} is below the shortest interval, {MIN_INTERVAL_S} s")
    return value


def _time_scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not MIN_TIME_SCALE <= value <= MAX_TIME_SCALE:  # also false for nan
        raise argparse.ArgumentTypeError(f"{text} must be from {MIN_TIME_SCALE:g} to {MAX_TIME_SCALE:g}")
    return value


def _demo_list(text: str) -> str:
    """A `--demo` value that names GPUs (argparse type; `--demo` with no value is not passed here)."""
    if any(not name.strip() for name in text.split(",")):
        raise argparse.ArgumentTypeError(f"empty GPU name in {text!r}; give names such as rtx4090,rtx3090")
    return text


def _demo_names() -> list[str]:
    """The simulated GPUs in resources/gpu_catalog.json, for --help (a broken catalog must not break --help)."""
    from app.core.gpu.catalog import default_catalog

    try:
        return sorted(default_catalog())
    except UserError:  # said in one line when --demo is used
        return ["(the GPU catalog could not be read)"]


def _add_demo(parser: argparse.ArgumentParser) -> None:
    from app.core.gpu.catalog import DEFAULT_DEMO

    parser.add_argument(
        "--demo",
        nargs="?",
        type=_demo_list,
        const=",".join(DEFAULT_DEMO),  # argparse passes a text const through `type` too
        default=None,
        metavar="PROFILE",
        help="simulated GPUs instead of real ones: a comma-separated list of "
        f"{', '.join(_demo_names())} (default rtx4090,rtx3090; a name may repeat); all output says SIMULATED",
    )
    parser.add_argument(
        "--time-scale",
        type=_time_scale,
        default=1.0,
        metavar="K",
        help=f"run the engine's clock K times faster than real time (with --demo; {MIN_TIME_SCALE:g} to"
        f" {MAX_TIME_SCALE:g})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="aiwm", description="AI Workstation Manager: GPUs, CPU, memory, disks and network.")
    parser.add_argument("--version", action="version", version=f"aiwm {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    snapshot = commands.add_parser("snapshot", help="print the inventory and one set of live readings")
    snapshot.add_argument("--json", action="store_true", help="print the aiwm.snapshot/1 JSON document")
    _add_demo(snapshot)

    record = commands.add_parser("record", help="record a session file (SQLite)")
    record.add_argument("--out", type=Path, required=True, help="the new session file (never overwritten)")
    record.add_argument(
        "--duration", type=_duration, required=True, help=f"seconds to record (at most {MAX_DURATION_S:,}, 30 days)"
    )
    record.add_argument(
        "--interval",
        type=_interval,
        default=1.0,
        help=f"seconds between fast readings ({MIN_INTERVAL_S:g} to --duration; default 1)",
    )
    _add_demo(record)

    export = commands.add_parser("export", help="export a session file")
    export.add_argument("session", type=Path, help="a session file written by 'aiwm record'")
    export.add_argument(
        "--csv",
        type=Path,
        required=True,
        metavar="OUT",
        help="the new CSV file (never overwritten), or - for standard output",
    )

    metrics = commands.add_parser("metrics", help="list every metric: name pattern, unit, kind, meaning, DCGM name")
    metrics.add_argument("--json", action="store_true", help="print the aiwm.metrics/1 JSON document")

    gui = commands.add_parser("gui", help="open the desktop window (also: aiwm with no command)")
    _add_demo(gui)
    gui.add_argument("--theme", choices=("system", "light", "dark"), help="override the theme setting")
    gui.add_argument(
        "--screenshot", type=Path, metavar="FILE", help="save a PNG of the window to the new FILE, then exit"
    )
    gui.add_argument(
        "--after",
        type=_after,
        default=None,
        metavar="S",
        help=f"seconds to run before the screenshot (0 to {MAX_AFTER_S:g}; default {DEFAULT_AFTER_S:g};"
        " needs --screenshot)",
    )
    gui.add_argument("--minimized", action="store_true", help="start minimised")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if (not argv or argv[0].startswith("-")) and not {"--version", "-h", "--help"} & set(argv):
        argv = ["gui", *argv]  # `aiwm` alone, or `aiwm --demo`, opens the window
    args = build_parser().parse_args(argv)
    try:
        _check_before_any_file(args)
        return _run(args)
    except UserError as error:
        print(f"aiwm: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `aiwm metrics | head`: the reader left; say nothing more, like other tools
        _drop_standard_output()
        return 141
    except _StdoutFailed as failed:  # `aiwm snapshot > /dev/full`
        _drop_standard_output()
        print(f"aiwm: error: cannot write standard output: {failed.reason}", file=sys.stderr)
        return EXIT_USAGE


class _StdoutFailed(Exception):
    """Standard output refused what was written (a full disk, a closed terminal); `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _drop_standard_output() -> None:
    """Point standard output at /dev/null, so that Python's flush at exit does not fail a second time."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@contextlib.contextmanager
def _writing_standard_output() -> Iterator[None]:
    """Turn a failed write to standard output into `_StdoutFailed`; a reader that left stays a BrokenPipeError."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise _StdoutFailed(error.strerror or str(error)) from None


def _print_out(text: str) -> None:
    """Print `text` on standard output and flush it now, so a failure is reported while we can say so."""
    with _writing_standard_output():
        print(text)


def _check_before_any_file(args: argparse.Namespace) -> None:
    """Checks that need several arguments or the file system, done before a command creates
    anything, so bad input leaves no half-made session, CSV, screenshot or data folder behind."""
    from app.core.paths import data_dir

    if args.command in ("snapshot", "record", "gui"):
        _check_engine_arguments(args)
    if args.command == "record":
        from app.core.sessions.recorder import check_new_session_path

        if str(args.out) == "-":
            raise UserError("--out -: a session file cannot go to standard output; name a new .aiwm file")
        check_new_session_path(args.out)
        if args.interval > args.duration:
            raise UserError(f"--interval {args.interval:g} s is longer than --duration {args.duration:g} s")
    elif args.command == "export" and str(args.csv) != "-":
        _check_new_file(args.csv)
    elif args.command == "gui":
        _check_screenshot_arguments(args)
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
    _check_new_file(args.screenshot)


def _check_engine_arguments(args: argparse.Namespace) -> None:
    """`--time-scale` only with `--demo`, and every `--demo` profile known."""
    _engine_options(args)
    if args.demo is not None:
        from app.core.gpu.catalog import parse_demo_profiles

        parse_demo_profiles(args.demo)


def _check_new_file(path: Path) -> None:
    """A file the command will create: its folder must exist and nothing may have its name yet."""
    from app.core.atomic import check_writable, refuse_existing

    check_writable(path)
    refuse_existing(path)


def _run(args: argparse.Namespace) -> int:
    if args.command == "snapshot":
        return _snapshot(args)
    if args.command == "record":
        return _record(args)
    if args.command == "export":
        return _export(args)
    if args.command == "metrics":
        return _metrics(args)
    return _gui(args)


def _engine_options(args: argparse.Namespace, interval_s: float = 1.0) -> EngineOptions:
    from app.core.engine import EngineOptions

    if args.time_scale != 1.0 and args.demo is None:
        raise UserError("--time-scale needs --demo: real hardware runs in real time")
    return EngineOptions(demo=args.demo, time_scale=args.time_scale, interval_s=interval_s)


def _engine(args: argparse.Namespace, interval_s: float = 1.0) -> Engine:
    from app.core.engine import Engine

    return Engine(_engine_options(args, interval_s))


def _snapshot(args: argparse.Namespace) -> int:
    from app.cli_format import snapshot_text
    from app.core.snapshot import take_snapshot

    with _engine(args) as engine:
        doc = take_snapshot(engine)
    _print_out(json.dumps(doc, indent=2) if args.json else snapshot_text(doc))
    return 0


def _record(args: argparse.Namespace) -> int:
    from app.core.sampling.live import LiveSession

    with _stop_on_signals() as stop, _engine(args, args.interval) as engine:
        live = LiveSession(engine, _alert_settings_for_record())
        try:
            live.start_recording(args.out)  # refuses an existing or unwritable file before sampling
        except BaseException:
            live.stop()
            raise
        label = " SIMULATED GPUs," if engine.simulated else ""
        print(f"aiwm: recording{label} {args.duration:g} s to {args.out} (Ctrl+C stops early)", file=sys.stderr)
        if live.simulated_only:
            print(
                f"aiwm: --time-scale {args.time_scale:g}: recording the simulated GPUs only; the host's CPU, "
                "memory, disks and network run in real time and are left out",
                file=sys.stderr,
            )
        live.start(args.duration)
        recorder = live.recorder
        while live.running and recorder is not None and recorder.failure is None and not stop.event.wait(0.05):
            pass  # the sampler ends by itself after the last tick of the duration, or the disk filled up
        stopped_early = live.running
        stopped = live.stop()
    return _report_recording(args, stopped, stop.signum if stopped_early else None)


def _alert_settings_for_record() -> AlertSettings:
    """The saved alert thresholds, or the defaults with a warning when the data folder is unusable.

    `record` only reads settings and writes to `--out`, so a bad AIWM_HOME must not stop it.
    """
    from app.core.settings import AlertSettings, load_settings

    try:
        return load_settings().alerts
    except UserError as error:
        print(f"aiwm: warning: {error}; using default alert settings", file=sys.stderr)
        return AlertSettings()


def _report_recording(args: argparse.Namespace, stopped: StoppedRecording | None, signum: int | None) -> int:
    """Say what was written and which ticks were skipped; stopped by a signal: exit 128 + its number.

    A write that failed (a full disk) is an error, exit 2, that says how much of the recording is safe.
    """
    if stopped is None:
        return 1
    from app.core.sessions.recorder import recording_failure

    recorder = stopped.recorder
    if recorder.failure is not None:
        print(f"aiwm: error: {recording_failure(recorder)}", file=sys.stderr)
        return EXIT_USAGE
    for skipped in stopped.skipped:
        print(f"aiwm: {skipped.message}; noted in the session's events", file=sys.stderr)
    sources = len(recorder.sources_written)
    counted = f"{recorder.rows_written} readings"
    if signum is not None:
        print(
            f"aiwm: stopped early after {stopped.elapsed_s:.1f} s of {args.duration:g} s; wrote {counted}"
            f" ({sources} sources) to {args.out}",
            file=sys.stderr,
        )
        return 128 + signum  # 130 for Ctrl+C (SIGINT), 129 for a closed SSH session (SIGHUP), as shells report it
    print(f"aiwm: wrote {counted} ({args.duration:g} s, {sources} sources) to {args.out}", file=sys.stderr)
    return 0


_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)  # Windows has no SIGHUP


class _StopRequest:
    """Set by SIGINT, SIGTERM or SIGHUP; remembers which, for the exit status."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum: int | None = None

    def __call__(self, signum: int, _frame: object) -> None:
        self.signum = signum
        self.event.set()


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[_StopRequest]:
    """A stop request set by SIGINT, SIGTERM or SIGHUP (an SSH session that closed), so a recording
    stopped early still closes its file cleanly.

    The previous handlers come back when the block ends.
    """
    stop = _StopRequest()
    previous = {signum: signal.signal(signum, stop) for signum in _STOP_SIGNALS}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _gui(args: argparse.Namespace) -> int:
    from app.ui.launch import check_screenshot_path, run_gui

    options = _engine_options(args)
    if args.screenshot is not None:
        check_screenshot_path(args.screenshot)
    after_s = DEFAULT_AFTER_S if args.after is None else args.after
    return run_gui(options, args.theme, args.screenshot, after_s, args.minimized)


def _export(args: argparse.Namespace) -> int:
    from app.core.sessions.csv_export import export_csv, write_csv

    if str(args.csv) == "-":
        with _writing_standard_output():
            rows, columns = write_csv(args.session, sys.stdout)
        where = "standard output"
    else:
        rows, columns = export_csv(args.session, args.csv)
        where = str(args.csv)
    print(f"aiwm: wrote {rows} rows x {columns} metrics to {where}", file=sys.stderr)
    return 0


def _metrics(args: argparse.Namespace) -> int:
    from app.cli_format import metrics_text
    from app.core.metric_catalog import catalog_document

    doc = catalog_document()
    _print_out(json.dumps(doc, indent=2) if args.json else metrics_text(doc))
    return 0
