"""`aiwm stress {gpu,vram,cpu,ram,disk}`: one stress test under the safety guard, its verdict, its
result saved in the data folder.

Exit status: 0 pass, warn or inconclusive; 1 fail; 3 aborted (the guard stopped it, or the
workload could not go on); 2 bad input; 130 Ctrl+C (the test is stopped, its result saved as
aborted).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.arguments import EXIT_USAGE
from app.cli.checks import engine_options, open_engine
from app.cli.output import print_out, say
from app.cli.stop_signals import stop_on_signals
from app.core.errors import UserError

if TYPE_CHECKING:
    from app.stress.records import Progress, StressResult

MAX_STRESS_DURATION_S = 24 * 3600.0  # a day: the longest burn-in anyone plans; longer is a typo
DEFAULT_STRESS_DURATION_S = 60.0
EXIT_FAIL = 1
EXIT_ABORTED = 3
HOST_TESTS = ("cpu", "ram", "disk")  # real hardware whatever the engine: never simulated, never time-scaled


def add_stress_parser(commands: Any, add_demo: Any, seconds: Any) -> None:
    """The `stress` subcommand's arguments (called by `arguments.build_parser`)."""
    from app.stress.records import KINDS

    stress = commands.add_parser(
        "stress",
        help="run one stress test (GPU compute, VRAM, CPU, RAM or disk)",
        description="Run one stress test under the safety guard and save its aiwm.stress/1 result in the"
        " data folder (tests/stress/).",
        epilog="exit status: 0 pass, warn or inconclusive; 1 fail; 2 bad input; 3 aborted (the safety guard"
        " stopped it); 130 Ctrl+C (stopped, saved as aborted)",
    )
    stress.add_argument("test", choices=KINDS, help="what to stress")
    stress.add_argument(
        "--duration",
        type=seconds,
        default=DEFAULT_STRESS_DURATION_S,
        metavar="S",
        help=f"seconds of load (more than 0, at most {MAX_STRESS_DURATION_S:g}; default {DEFAULT_STRESS_DURATION_S:g})",
    )
    stress.add_argument(
        "--device",
        type=_index,
        default=None,
        metavar="N",
        help="gpu and vram tests: the GPU's index as NVML numbers it (default 0)",
    )
    stress.add_argument("--path", type=Path, metavar="DIR", help="disk test: an existing writable folder")
    stress.add_argument(
        "--size",
        type=_size,
        metavar="BYTES",
        help="bytes to test: vram (refused above the free VRAM less a margin), ram (capped at the safe share,"
        " said on standard error), disk (the test file; refused when it would not leave the free-space margin)",
    )
    stress.add_argument("--json", action="store_true", help="print the aiwm.stress/1 JSON document")
    add_demo(stress)


def _index(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a GPU index") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is not a GPU index (0 or more)")
    return value


def _size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of bytes") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a positive number of bytes")
    return value


def check_stress_arguments(args: argparse.Namespace) -> None:
    """Everything that can be checked before the engine opens; a problem is one `UserError` line."""
    if not 0 < args.duration <= MAX_STRESS_DURATION_S:
        raise UserError(f"--duration {args.duration:g} must be more than 0 and at most {MAX_STRESS_DURATION_S:g} s")
    engine_options(args)  # --time-scale only with --demo
    if args.time_scale != 1.0 and args.test in HOST_TESTS:
        raise UserError(
            f"--time-scale works only for the simulated GPU tests (gpu, vram): the {args.test} test loads this"
            " machine's real hardware, in real time"
        )
    if args.demo is not None:
        from app.core.gpu.catalog import parse_demo_profiles

        parse_demo_profiles(args.demo)
    if args.test == "disk":
        _check_folder(args.path)
    elif args.path is not None:
        raise UserError(f"--path is for the disk test, not {args.test}")
    if args.size is not None and args.test in ("gpu", "cpu"):
        raise UserError(f"--size is for the vram, ram and disk tests, not {args.test}")
    if args.device is not None and args.test in HOST_TESTS:
        raise UserError(f"--device is for the gpu and vram tests, not {args.test}")
    from app.core.paths import data_dir

    data_dir()  # the result is saved there: a bad AIWM_HOME stops the test before it starts


def _check_folder(path: Path | None) -> None:
    if path is None:
        raise UserError("the disk test needs --path DIR: an existing folder on the drive to test")
    if path.exists() and not path.is_dir():
        raise UserError(f"--path {path}: is a file, not a folder")
    if not path.is_dir():
        raise UserError(f"--path {path}: no such folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise UserError(f"--path {path}: the folder is not writable")


def stress_command(args: argparse.Namespace) -> int:
    """Run the test, print its result, save it; the exit status says the verdict."""
    check_stress_arguments(args)
    from app.stress.documents import stress_document
    from app.stress.store import save_result

    result, signum = _run_test(args)
    document = stress_document(result)
    _show(args, document, result)  # first: a result that cannot be saved is still seen
    try:
        path = save_result(document)
    except UserError as error:
        say(f"aiwm: error: the result was not saved: {error}")
        return EXIT_USAGE
    say(f"aiwm: result saved to {path}")
    return _exit_status(result, signum)


def _run_test(args: argparse.Namespace) -> tuple[StressResult, int | None]:
    """The test under the guard, with the live session sampling; a signal cancels it. Returns the
    result and the signal that stopped it, if one did."""
    from app.core.sampling.live import LiveSession
    from app.core.settings import AlertSettings
    from app.stress.factory import make_workload
    from app.stress.guard import SafetyGuard
    from app.stress.runner import run_stress

    with open_engine(args) as engine:
        device = 0 if args.device is None else args.device
        workload = make_workload(args.test, engine, device, args.path, args.size)
        session = LiveSession(engine, AlertSettings())
        label = " on SIMULATED GPUs" if getattr(workload, "simulated", False) else ""
        say(f"aiwm: stress {args.test}{label} for {args.duration:g} s (Ctrl+C stops it)")
        for note in getattr(workload, "notes", ()):
            say(f"aiwm: note: {note}")
        progress = _progress_printer()
        with stop_on_signals() as stop:
            session.start()
            try:
                result = run_stress(
                    workload, args.duration, session, SafetyGuard(engine.inventory()), stop.event, progress
                )
            finally:
                session.stop()
        if progress is not None:
            say_inline("")  # clear the progress line before the result
    return result, stop.signum


def _exit_status(result: StressResult, signum: int | None) -> int:
    if signum is not None and result.verdict == "aborted":
        return 128 + signum  # 130 for Ctrl+C, as shells report it
    if result.verdict == "fail":
        return EXIT_FAIL
    if result.verdict == "aborted":
        return EXIT_ABORTED
    return 0


def _show(args: argparse.Namespace, document: dict[str, Any], result: StressResult) -> None:
    if args.json:
        print_out(json.dumps(document, indent=2, ensure_ascii=False))
        return
    print_out("\n".join(result_lines(result)))


def result_lines(result: StressResult) -> list[str]:
    """The result in words: verdict, errors, each metric in words and units (n/a where unmeasured),
    reasons, notes (a size capped) and the limits no guard watched."""
    from app.stress.metric_text import metric_line, plural

    simulated = " [SIMULATED]" if result.simulated else ""
    lines = [f"stress {result.kind} on {result.device}{simulated}: {result.verdict.upper()}"]
    lines.append(f"  ran {result.duration_s:.1f} s, {plural(result.errors, 'error')}")
    lines += [f"  {metric_line(name, value)}" for name, value in result.metrics.items()]
    lines += [f"  - {reason}" for reason in result.reasons]
    lines += [f"  note: {note}" for note in _strings(result.details.get("notes"))]
    lines += [f"  not guarded: {words}" for words in _strings(result.details.get("guards_inactive"))]
    return lines


def _strings(value: object) -> list[str]:
    """A details entry that holds a list of sentences (absent or malformed: none)."""
    return [str(x) for x in value] if isinstance(value, list | tuple) else []


def _progress_printer() -> Any:
    """A progress line rewritten on standard error when it is a terminal; nothing otherwise."""
    if sys.stderr is None or not sys.stderr.isatty():
        return None

    def show(progress: Progress) -> None:
        say_inline(f"aiwm: {progress.elapsed_s:.0f}/{progress.total_s:g} s, {progress.message}")

    return show


def say_inline(text: str) -> None:
    with contextlib.suppress(OSError, AttributeError):
        sys.stderr.write("\r\x1b[2K" + text)
        sys.stderr.flush()
