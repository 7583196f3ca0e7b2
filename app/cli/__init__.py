"""`aiwm`: the command line. Imports no Qt except for the `gui` command, so it starts fast over SSH.

Bad input ends with one line on stderr and exit status 2, never a traceback. One module per job:
`arguments` (the parser and its limits), `checks` (before any file is created), `output`
(standard output that can fail), `text` (readable output), and one module per command, loaded only
when that command runs: `record`, `doctor`, `stress`, `thermal`, `plan`, and `commands` (the small ones).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from app.cli.arguments import EXIT_USAGE, build_parser
from app.cli.checks import check_before_any_file
from app.cli.output import StdoutFailed, drop_standard_output, replace_unencodable_output, writing_standard_output
from app.core.errors import UserError


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0, 2 for bad input or a failure said in one line, 130 on Ctrl+C)."""
    replace_unencodable_output()
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


# Each command's module and function, imported when the command runs, so `aiwm --version` and the
# quick commands do not load the stress tests, the doctor or the planner.
COMMANDS = {
    "snapshot": ("app.cli.commands", "snapshot_command"),
    "record": ("app.cli.record", "record_command"),
    "stream": ("app.cli.stream", "stream_command"),
    "export": ("app.cli.commands", "export_command"),
    "metrics": ("app.cli.commands", "metrics_command"),
    "doctor": ("app.cli.doctor", "doctor_command"),
    "stress": ("app.cli.stress", "stress_command"),
    "thermal": ("app.cli.thermal", "thermal_command"),
    "plan": ("app.cli.plan", "plan_command"),
    "report": ("app.cli.report", "report_command"),
    "serve": ("app.cli.serve", "serve_command"),
    "gui": ("app.cli.commands", "gui_command"),
    "smoke-test": ("app.smoke.parent", "smoke_test_command"),  # aiwm --smoke-test (a flag of gui)
    "smoke-child": ("app.smoke.child", "smoke_child_command"),
}


def _run(args: argparse.Namespace) -> int:
    """Dispatch to the command's module; `aiwm` with no command opens the window."""
    module, name = COMMANDS.get(args.command, COMMANDS["gui"])
    command: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), name)
    return command(args)
