"""The one way the engine runs another program: with a timeout, never through a shell."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class CommandResult:
    """What a finished program left: its exit status and output, or why it did not run."""

    returncode: int | None
    stdout: str
    stderr: str
    problem: str | None = None


def run_command(args: list[str], timeout_s: float = 10.0) -> CommandResult:
    """Run `args` and return its output; a missing program or a time-out is a `problem`, not an exception."""
    if shutil.which(args[0]) is None:
        return CommandResult(None, "", "", f"{args[0]} is not installed")
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return CommandResult(None, "", "", f"{args[0]} did not finish within {timeout_s:g} s")
    except OSError as error:
        return CommandResult(None, "", "", f"{args[0]} could not be started: {error.strerror}")
    return CommandResult(done.returncode, done.stdout, done.stderr)
