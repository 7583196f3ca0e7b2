"""The command line's arguments: the parser, its limits, and the types that check each value.

A usage error is one line and exit status 2 (`_Parser.error`), never argparse's usage block.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from app import __version__
from app.core.errors import UserError
from app.core.sampling.sampler import MIN_INTERVAL_S

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line, exit 2, and does not hide a failed write of
    --help or --version (argparse swallows it and exits 0)."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        stream = file or sys.stderr
        if message and stream is not None:
            stream.write(message)
            getattr(stream, "flush", lambda: None)()

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


# `aiwm stream` and `aiwm serve`: a sample an hour is already far slower than any watcher or
# Prometheus scrape wants (its staleness window is 5 minutes); longer is a typo (1e300).
MAX_LIVE_INTERVAL_S = 3600.0


def _live_interval(text: str) -> float:
    value = _interval(text)
    if value > MAX_LIVE_INTERVAL_S:
        raise argparse.ArgumentTypeError(f"{text} is longer than the longest interval, {MAX_LIVE_INTERVAL_S:g} s")
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


class _Once(argparse.Action):
    """Store an option's value, and refuse the option a second time instead of keeping the last one
    silently (`--demo rtx4090 --demo rtx3090` would show one card where the user asked for two)."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option: str | None = None
    ) -> None:
        if getattr(namespace, self.dest) is not None:
            parser.error(f"{option} given twice; list several GPUs in one, e.g. --demo rtx4090,rtx3090")
        setattr(namespace, self.dest, values)


def _add_demo(parser: argparse.ArgumentParser, time_scale: bool = True) -> None:
    """`--demo`, and `--time-scale` where the command runs a clock (the doctor reads versions: it has none)."""
    from app.core.gpu.catalog import DEFAULT_DEMO

    parser.add_argument(
        "--demo",
        action=_Once,
        nargs="?",
        type=_demo_list,
        const=",".join(DEFAULT_DEMO),  # argparse passes a text const through `type` too
        default=None,
        metavar="PROFILE",
        help="simulated GPUs instead of real ones: a comma-separated list of "
        f"{', '.join(_demo_names())} (default rtx4090,rtx3090; a name may repeat); all output says SIMULATED",
    )
    if not time_scale:  # kept, unlisted, so that the command refuses it in words of its own
        parser.add_argument("--time-scale", default=None, metavar="K", help=argparse.SUPPRESS)
        return
    parser.add_argument(
        "--time-scale",
        type=_time_scale,
        default=1.0,
        metavar="K",
        help=f"run the engine's clock K times faster than real time (with --demo; {MIN_TIME_SCALE:g} to"
        f" {MAX_TIME_SCALE:g})",
    )


MAX_THERMAL_LOAD_S = 24 * 3600.0  # a day of full load is more than any cooling question needs
MAX_THERMAL_PHASE_S = 3600.0  # idle and cooldown: an hour each at most


def _thermal_device(text: str) -> str:
    """`gpu0`, `gpu1`, … or `cpu` (argparse type; whether that GPU exists is checked with the engine)."""
    if text == "cpu" or (text.startswith("gpu") and text[3:].isdigit() and str(int(text[3:])) == text[3:]):
        return text
    raise argparse.ArgumentTypeError(f"{text!r} is not a device; give gpu0, gpu1, … or cpu")


def _load_seconds(text: str) -> float:
    value = _positive_seconds(text)
    if value > MAX_THERMAL_LOAD_S:
        raise argparse.ArgumentTypeError(f"{text} is longer than {MAX_THERMAL_LOAD_S:,.0f} s (24 hours)")
    return value


def _phase_seconds(text: str) -> float:
    value = _seconds(text)
    if not 0 <= value <= MAX_THERMAL_PHASE_S:
        raise argparse.ArgumentTypeError(f"{text} must be from 0 to {MAX_THERMAL_PHASE_S:,.0f} seconds")
    return value


THERMAL_DESCRIPTION = (
    "Cooling test of one GPU or the CPU: an idle baseline, full load, then a cooldown, under the safety guard."
    " Reports idle, peak and steady temperature, the time to steady state and the fitted time constant,"
    " the headroom to the slowdown temperature, clock drop, sustained performance, throttle time, power"
    " against the limit, effective °C per W and the cooldown time; a verdict (PASS, WARN, FAIL or"
    " INCONCLUSIVE, with reasons); and a comparison with this machine's earlier runs. The aiwm.thermal/1"
    " result is saved in the data folder (tests/thermal/). With --demo a simulated GPU takes the load and"
    " --time-scale K runs it K times faster; the CPU is real hardware and runs in real time."
)
THERMAL_EPILOG = (
    "exit status: 0 pass, warn or inconclusive; 1 fail; 2 bad input; 3 aborted (the safety guard stopped"
    " the test before the load); 130 Ctrl+C (stopped, saved as aborted)"
)


def _add_thermal(thermal: argparse.ArgumentParser) -> None:
    thermal.add_argument(
        "--device",
        type=_thermal_device,
        default="gpu0",
        help="gpu0, gpu1, … (as NVML numbers them) or cpu (default gpu0)",
    )
    thermal.add_argument(
        "--duration",
        type=_load_seconds,
        default=600.0,
        metavar="S",
        help=f"seconds of full load (more than 0, at most {MAX_THERMAL_LOAD_S:g}; default 600)",
    )
    thermal.add_argument(
        "--idle",
        type=_phase_seconds,
        default=60.0,
        metavar="S",
        help=f"seconds of idle baseline first (0 to {MAX_THERMAL_PHASE_S:g}; default 60)",
    )
    thermal.add_argument(
        "--cooldown",
        type=_phase_seconds,
        default=300.0,
        metavar="S",
        help=f"seconds of cooldown after the load (0 to {MAX_THERMAL_PHASE_S:g}; default 300)",
    )
    thermal.add_argument("--json", action="store_true", help="print the aiwm.thermal/1 JSON document")
    _add_demo(thermal)


def _host(text: str) -> str:
    """A `--host` value ssh cannot misread (argparse type)."""
    from app.fleet.ssh import check_host

    try:
        return check_host(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_host(parser: argparse.ArgumentParser, remote_command: str) -> None:
    """`--host HOST` (issue 13): the command runs on HOST over the system's ssh, this aiwm prints its answer."""
    parser.add_argument(
        "--host",
        type=_host,
        default=None,
        metavar="HOST",
        help="run it on HOST (user@server or an ~/.ssh/config alias) with "
        f"`ssh -o BatchMode=yes HOST {remote_command}`: your keys and ssh config, never a password; "
        "extra ssh options in AIWM_SSH_OPTIONS; --demo is passed on",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="aiwm", description="AI Workstation Manager: GPUs, CPU, memory, disks and network.")
    parser.add_argument("--version", action="version", version=f"aiwm {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    snapshot = commands.add_parser("snapshot", help="print the inventory and one set of live readings")
    snapshot.add_argument("--json", action="store_true", help="print the aiwm.snapshot/1 JSON document")
    _add_demo(snapshot)
    _add_host(snapshot, "aiwm snapshot --json")

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

    from app.cli.stream import STREAM_DESCRIPTION, STREAM_EPILOG

    stream = commands.add_parser(
        "stream",
        help="print JSON lines (aiwm.stream/1): the inventory, then every sample, until input ends",
        description=STREAM_DESCRIPTION,
        epilog=STREAM_EPILOG,
    )
    stream.add_argument(
        "--interval",
        type=_live_interval,
        default=1.0,
        help=f"seconds between fast readings ({MIN_INTERVAL_S:g} to {MAX_LIVE_INTERVAL_S:g}; default 1)",
    )
    _add_demo(stream)

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

    doctor = commands.add_parser(
        "doctor", help="check that the driver, CUDA, cuDNN, PyTorch/TensorFlow/JAX and the GPUs fit together"
    )
    doctor.add_argument("--json", action="store_true", help="print the aiwm.doctor/1 JSON document")
    doctor.add_argument(
        "--facts",
        type=Path,
        metavar="FILE",
        help="check an aiwm.facts/1 file (from another machine, or - for standard input) instead of this one",
    )
    doctor.add_argument(
        "--env",
        type=Path,
        action="extend",
        nargs="+",
        metavar="PYTHON_OR_ENV_FOLDER",
        help="also check the frameworks in these Python interpreters or venv/conda folders",
    )
    _add_demo(doctor, time_scale=False)
    _add_host(doctor, "aiwm doctor --json")
    _add_thermal(
        commands.add_parser(
            "thermal",
            help="cooling test: idle, full load, cooldown; verdict and metrics",
            description=THERMAL_DESCRIPTION,
            epilog=THERMAL_EPILOG,
        )
    )
    from app.cli.stress import add_stress_parser

    add_stress_parser(commands, _add_demo, _seconds)

    plan = commands.add_parser("plan", help="size a model's memory, compute and cost, and say where it should run")
    from app.cli.plan import add_plan_arguments

    add_plan_arguments(plan)
    _add_demo(plan)

    from app.cli.report import add_report_arguments

    report = commands.add_parser("report", help="the system report for IT (JSON, HTML or PDF), redactable")
    add_report_arguments(report)
    _add_demo(report)

    from app.cli.serve import SERVE_DESCRIPTION, SERVE_EPILOG, add_serve_arguments

    serve = commands.add_parser(
        "serve",
        help="serve the readings to Prometheus (/metrics, dcgm-exporter's names)",
        description=SERVE_DESCRIPTION,
        epilog=SERVE_EPILOG,
    )
    add_serve_arguments(serve, _live_interval)
    _add_demo(serve, time_scale=False)

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
    _add_smoke_test(gui)
    return parser


def _add_smoke_test(gui: argparse.ArgumentParser) -> None:
    """`aiwm --smoke-test [--timings FILE]` (issue 12), and the child it starts, `--smoke-child` (unlisted).

    Each flag replaces the command `gui` by its own (`args.command`), so `aiwm --smoke-test` works
    as `aiwm --demo` does; SUPPRESS keeps `gui` when the flag is absent."""
    gui.add_argument(
        "--smoke-test",
        dest="command",
        action="store_const",
        const="smoke-test",
        default=argparse.SUPPRESS,
        help="check this installation: open the window offscreen with simulated GPUs in a temporary data folder,"
        " sample, draw, run the doctor, write a report; exit 0, or 1 on any failure or unexpected output",
    )
    gui.add_argument(
        "--timings",
        type=Path,
        metavar="FILE",
        help="with --smoke-test: write the seconds from start to the first painted window, the total and each"
        " step as JSON to the new FILE",
    )
    gui.add_argument(
        "--smoke-child",
        dest="command",
        action="store_const",
        const="smoke-child",
        default=argparse.SUPPRESS,
        help=argparse.SUPPRESS,
    )
