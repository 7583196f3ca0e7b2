"""`aiwm report`: the system report for IT as JSON, HTML or PDF, written atomically to a new file.

Everything that can be refused is refused before the engine starts or anything is written: a
folder that does not exist or is not writable, an existing file, an unknown section, a session
file that cannot be read. Only `--format pdf` loads Qt.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from typing import TYPE_CHECKING

from app.cli.output import say
from app.core.errors import UserError

if TYPE_CHECKING:
    from app.report.build import PdfWriter

_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
CANCELLED = "aiwm: report cancelled; no file written"
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl+C
MAX_SINCE_S = 366 * 86400  # a year: longer is a typo


def duration_seconds(text: str) -> float:
    """`30m`, `24h`, `7d`, `90s` or a plain number of seconds (argparse type), positive and at most a year."""
    match = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration; give e.g. 30m, 24h, 7d or 3600 (seconds)")
    seconds = float(match.group(1)) * _UNIT_S[match.group(2) or "s"]
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive duration, e.g. 30m, 24h, 7d")
    if seconds > MAX_SINCE_S:
        raise argparse.ArgumentTypeError(f"{text!r} is longer than a year")
    return seconds


def section_list(text: str) -> tuple[str, ...]:
    """`summary,gpus` (argparse type): known section ids, in the report's order."""
    from app.report.records import SECTION_IDS

    names = [name.strip() for name in text.split(",")]
    unknown = [name for name in names if name not in SECTION_IDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown section {', '.join(unknown)!r}; choose from {','.join(SECTION_IDS)}")
    return tuple(s for s in SECTION_IDS if s in names)


# "-5m" is a (negative) duration, not an unknown option: without this argparse answers "--since:
# expected one argument", which hides the real mistake. argparse takes only "-5" as a number.
_NEGATIVE_DURATION = re.compile(r"^-\d+(\.\d+)?[smhd]?$")


def add_report_arguments(report: argparse.ArgumentParser) -> None:
    from app.report.records import SECTION_IDS

    report._negative_number_matcher = _NEGATIVE_DURATION
    report.add_argument("--format", choices=("pdf", "html", "json"), required=True, help="the file's format")
    report.add_argument(
        "--out", type=_path, required=True, metavar="FILE", help="the new report file (never overwritten)"
    )
    report.add_argument(
        "--redact",
        action="store_true",
        help="replace hostname, user names, home paths, serials, UUIDs, MAC and IP addresses by placeholders",
    )
    report.add_argument(
        "--since",
        type=duration_seconds,
        metavar="DURATION",
        help="the history period: the last 30m, 24h, 7d or N seconds of the sessions (default: all of them)",
    )
    report.add_argument(
        "--session",
        type=_path,
        action="extend",
        nargs="+",
        metavar="FILE",
        help="session files (aiwm record) to take the history from; without one the report has no history",
    )
    report.add_argument(
        "--sections",
        type=section_list,
        metavar="A,B",
        help=f"only these sections, comma-separated, from {','.join(SECTION_IDS)} (default: all)",
    )


def _path(text: str) -> object:
    from pathlib import Path

    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path")
    return Path(text)


def _pdf_writer() -> PdfWriter:
    """The window layer's PDF writer (Qt), loaded only for --format pdf so json and html load no Qt."""
    try:
        from app.ui.report_pdf import write_pdf  # type: ignore[import-not-found, unused-ignore]
    except ImportError as error:
        raise UserError(f"--format pdf: the PDF writer cannot be loaded ({error}); use html or json") from None
    writer: PdfWriter = write_pdf
    return writer


def report_command(args: argparse.Namespace) -> int:
    from app.cli.checks import check_new_file, open_engine
    from app.report.build import ReportOptions, build_report, write_report
    from app.report.records import SECTION_IDS

    if str(args.out) == "-":
        raise UserError("--out -: name a new file; the report is not written to standard output")
    check_new_file(args.out)
    sessions = tuple(args.session or ())
    for session in sessions:
        if args.out.resolve() == session.resolve():
            raise UserError(f"--out {args.out} is a session file; name a new report file (nothing was changed)")
    if args.since is not None and not sessions:
        raise UserError("--since chooses the history period; it needs --session FILE (the command line has no history)")
    options = ReportOptions(args.sections or SECTION_IDS, args.redact, args.since, sessions)
    try:
        with open_engine(args) as engine:
            document = build_report(engine, options)
        write_report(document, args.format, args.out, _pdf_writer() if args.format == "pdf" else None)
    except KeyboardInterrupt:  # the writer is atomic: nothing was left under --out
        print(CANCELLED, file=sys.stderr)
        return EXIT_INTERRUPTED
    label = " (SIMULATED)" if document["simulated"] else ""
    say(f"aiwm: wrote the {args.format} report{label} to {args.out}")
    return 0
