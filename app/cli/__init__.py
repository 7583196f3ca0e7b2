"""`aiwm`: the command line. Imports no Qt except for the `gui` command, so it starts fast over SSH.

Bad input ends with one line on stderr and exit status 2, never a traceback. One module per job:
`arguments` (the parser and its limits), `checks` (before any file is created), `output`
(standard output that can fail), `record`, `commands` (the others) and `text` (readable output).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app.cli.arguments import EXIT_USAGE, build_parser
from app.cli.checks import check_before_any_file
from app.cli.commands import export_command, gui_command, metrics_command, snapshot_command
from app.cli.output import StdoutFailed, drop_standard_output, writing_standard_output
from app.cli.record import record_command
from app.cli.thermal import thermal_command
from app.core.errors import UserError


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0, 2 for bad input or a failure said in one line, 130 on Ctrl+C)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if (not argv or argv[0].startswith("-")) and not {"--version", "-h", "--help"} & set(argv):
        argv = ["gui", *argv]  # `aiwm` alone, or `aiwm --demo`, opens the window
    try:
        with writing_standard_output():  # --help and --version print: a full disk must not pass for success
            args = build_parser().parse_args(argv)
        check_before_any_file(args)
        return _run(args)
    except UserError as error:
        print(f"aiwm: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `aiwm metrics | head`: the reader left; say nothing more, like other tools
        drop_standard_output()
        return 141
    except StdoutFailed as failed:  # `aiwm snapshot > /dev/full`
        drop_standard_output()
        print(f"aiwm: error: cannot write standard output: {failed.reason}", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    """Dispatch to the command's module; `aiwm` with no command opens the window."""
    if args.command == "snapshot":
        return snapshot_command(args)
    if args.command == "record":
        return record_command(args)
    if args.command == "export":
        return export_command(args)
    if args.command == "metrics":
        return metrics_command(args)
    if args.command == "doctor":
        from app.cli.doctor import doctor_command

        return doctor_command(args)
    if args.command == "thermal":
        return thermal_command(args)
    if args.command == "report":
        from app.cli.report import report_command

        return report_command(args)
    return gui_command(args)
