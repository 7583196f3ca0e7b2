"""`aiwm`: the command line. Imports no Qt except for the `gui` command, so it starts fast over SSH.

Bad input ends with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
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


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a positive number of seconds")
    return value


def _non_negative_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be zero or more seconds")
    return value


def _interval(text: str) -> float:
    value = _positive_seconds(text)
    if value < MIN_INTERVAL_S:
        raise argparse.ArgumentTypeError(f"{text} is below the shortest interval, {MIN_INTERVAL_S} s")
    return value


def _add_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo",
        nargs="?",
        const="",
        default=None,
        metavar="PROFILE",
        help="simulated GPUs instead of real ones (default rtx4090,rtx3090); all output says SIMULATED",
    )
    parser.add_argument(
        "--time-scale",
        type=_positive_seconds,
        default=1.0,
        metavar="K",
        help="run the engine's clock K times faster than real time (with --demo)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="aiwm", description="AI Workstation Manager: GPUs, CPU, memory, disks and network.")
    parser.add_argument("--version", action="version", version=f"aiwm {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    snapshot = commands.add_parser("snapshot", help="print the inventory and one set of live readings")
    snapshot.add_argument("--json", action="store_true", help="print the aiwm.snapshot/1 JSON document")
    _add_demo(snapshot)

    record = commands.add_parser("record", help="record a session file (SQLite)")
    record.add_argument("--out", type=Path, required=True, help="the new session file")
    record.add_argument("--duration", type=_positive_seconds, required=True, help="seconds to record")
    record.add_argument("--interval", type=_interval, default=1.0, help="seconds between fast readings (default 1)")
    _add_demo(record)

    export = commands.add_parser("export", help="export a session file")
    export.add_argument("session", type=Path, help="a session file written by 'aiwm record'")
    export.add_argument("--csv", type=Path, required=True, metavar="OUT", help="the CSV file to write")

    gui = commands.add_parser("gui", help="open the desktop window (also: aiwm with no command)")
    _add_demo(gui)
    gui.add_argument("--theme", choices=("system", "light", "dark"), help="override the theme setting")
    gui.add_argument("--screenshot", type=Path, metavar="FILE", help="save a PNG of the window, then exit")
    gui.add_argument(
        "--after",
        type=_non_negative_seconds,
        default=5.0,
        metavar="S",
        help="seconds to run before the screenshot (default 5)",
    )
    gui.add_argument("--minimized", action="store_true", help="start minimised")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if (not argv or argv[0].startswith("-")) and not {"--version", "-h", "--help"} & set(argv):
        argv = ["gui", *argv]  # `aiwm` alone, or `aiwm --demo`, opens the window
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except UserError as error:
        print(f"aiwm: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.command == "snapshot":
        return _snapshot(args)
    if args.command == "record":
        return _record(args)
    if args.command == "export":
        return _export(args)
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
    print(json.dumps(doc, indent=2) if args.json else snapshot_text(doc))
    return 0


def _record(args: argparse.Namespace) -> int:
    from app.core.sampling.live import LiveSession
    from app.core.settings import load_settings

    with _stop_on_signals() as stop, _engine(args, args.interval) as engine:
        live = LiveSession(engine, load_settings().alerts)
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
        while live.running and not stop.event.wait(0.05):
            pass  # the sampler ends by itself after the last tick of the duration
        stopped_early = live.running
        stopped = live.stop()
    return _report_recording(args, stopped, stop.signum if stopped_early else None)


def _report_recording(args: argparse.Namespace, stopped: StoppedRecording | None, signum: int | None) -> int:
    """Say what was written and which ticks were skipped; stopped by a signal: exit 128 + its number."""
    if stopped is None:
        return 1
    for skipped in stopped.skipped:
        print(f"aiwm: {skipped.message}; noted in the session's events", file=sys.stderr)
    written = f"wrote {stopped.recorder.rows_written} samples to {args.out}"
    if signum is not None:
        print(f"aiwm: stopped early after {stopped.elapsed_s:.1f} s of {args.duration:g} s; {written}", file=sys.stderr)
        return 128 + signum  # 130 for Ctrl+C (SIGINT), as shells report it
    print(f"aiwm: {written}", file=sys.stderr)
    return 0


class _StopRequest:
    """Set by SIGINT or SIGTERM; remembers which, for the exit status."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum: int | None = None

    def __call__(self, signum: int, _frame: object) -> None:
        self.signum = signum
        self.event.set()


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[_StopRequest]:
    """A stop request set by SIGINT or SIGTERM, so a recording stopped early still closes its file cleanly.

    The previous handlers come back when the block ends.
    """
    stop = _StopRequest()
    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
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
    return run_gui(options, args.theme, args.screenshot, args.after, args.minimized)


def _export(args: argparse.Namespace) -> int:
    from app.core.sessions.csv_export import export_csv

    rows, columns = export_csv(args.session, args.csv)
    print(f"aiwm: wrote {rows} rows x {columns} metrics to {args.csv}", file=sys.stderr)
    return 0
