"""The child's step lines, and which of the child's output lines are not one of them.

Each step prints one line on standard output, `smoke: <step> ok (N ms)` or
`smoke: <step> FAILED: <reason>`. Anything else the child prints, on either stream, is something
a user would see when running the program (a Python warning, a Qt warning, a traceback, a stray
print): the smoke test fails on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

PREFIX = "smoke: "

# The child's steps, in order. "first paint" is timed from the child process's creation (its whole
# cold start); every other step from its own beginning.
CHILD_STEPS = ("first paint", "samples", "dashboard", "pages", "doctor", "report", "cleanup")

STEP_LINE = re.compile(r"smoke: (?P<step>[a-z]+(?: [a-z]+)*) (?:ok \((?P<ms>\d+) ms\)|FAILED: (?P<reason>\S.*))")


def ok_line(step: str, seconds: float) -> str:
    """The line a step prints when it passed, with its time in whole milliseconds."""
    return f"{PREFIX}{step} ok ({round(seconds * 1000)} ms)"


def failed_line(step: str, reason: str) -> str:
    """The line a step prints when it failed; the reason is kept on one line."""
    return f"{PREFIX}{step} FAILED: {' '.join(reason.split()) or 'no reason given'}"


def is_step_line(line: str) -> bool:
    """True for a line that one of the child's steps printed (ok or FAILED), and nothing more."""
    return STEP_LINE.fullmatch(line) is not None


def unexpected_lines(stdout: Iterable[str], stderr: Iterable[str]) -> list[str]:
    """Every line that is not one of the child's step lines, labelled with its stream.

    The child prints nothing on standard error, so every line there is unexpected, and so is any
    standard-output line other than a step line, an empty one included (a stray `print()`).
    """
    strays = [f"stdout: {line}" for line in stdout if not is_step_line(line)]
    return strays + [f"stderr: {line}" for line in stderr]


def step_seconds(stdout: Iterable[str]) -> dict[str, float]:
    """The time of each step that passed, in seconds, from its `ok (N ms)` line."""
    times = {}
    for line in stdout:
        match = STEP_LINE.fullmatch(line)
        if match is not None and match["ms"] is not None:
            times[match["step"]] = int(match["ms"]) / 1000
    return times


def failed_steps(stdout: Iterable[str]) -> list[str]:
    """The steps that printed a FAILED line, in order."""
    return [m["step"] for line in stdout if (m := STEP_LINE.fullmatch(line)) is not None and m["reason"]]


def missing_steps(passed: Mapping[str, float]) -> list[str]:
    """The child's steps that did not report `ok`, in order."""
    return [step for step in CHILD_STEPS if step not in passed]
