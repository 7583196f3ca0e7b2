"""Writing to standard output: a full disk or a closed terminal becomes one line, not a traceback."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


def replace_unencodable_output() -> None:
    """Characters the terminal's encoding cannot show (a GPU named "Ünïcødé GPU 😀" on an ASCII or
    cp1252 console) print as "?" instead of ending the command in a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # a text stream of io; a replaced one (pytest's capture) may lack it
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


class StdoutFailed(Exception):
    """Standard output refused what was written (a full disk, a closed terminal); `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def drop_standard_output() -> None:
    """Point standard output at /dev/null, so that Python's flush at exit does not fail a second time."""
    if sys.stdout is None:  # it was closed from the start: nothing to point elsewhere
        return
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@contextlib.contextmanager
def writing_standard_output() -> Iterator[None]:
    """Turn a failed write to standard output into `StdoutFailed`; a reader that left stays a BrokenPipeError."""
    if sys.stdout is None:  # started with standard output closed (`aiwm snapshot >&-`)
        raise StdoutFailed("it is closed")
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise StdoutFailed(error.strerror or str(error)) from None


def print_out(text: str) -> None:
    """Print `text` on standard output and flush it now, so a failure is reported while we can say so."""
    with writing_standard_output():
        print(text)


def say(text: str) -> None:
    """A status line on standard error. When the terminal is gone (a closed SSH session took the
    pipe with it) the line is dropped: the work and its exit status matter more than the message."""
    if sys.stderr is None:
        return
    try:
        print(text, file=sys.stderr, flush=True)
    except OSError:
        sys.stderr = None  # no later line tries again, nor Python's flush at exit
