"""What every stress worker process does first: leave Ctrl+C and a closed terminal to its parent.

A terminal's Ctrl+C sends SIGINT to the whole foreground process group, workers included, and a
hang-up sends SIGHUP to it. Left to Python's defaults, each worker would print a KeyboardInterrupt
traceback (SIGINT) or die before its last report (SIGHUP, read as a crash). The parent already
catches both signals and stops its workers in order; a worker whose parent dies sees its pipe close.
"""

from __future__ import annotations

import signal

# SIGHUP does not exist on Windows, where a console's Ctrl+C reaches the worker as SIGINT only.
PARENT_HANDLED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGHUP") if hasattr(signal, name))


def leave_interrupts_to_the_parent() -> None:
    """Ignore SIGINT and SIGHUP in this (worker) process; the parent's stop request ends it."""
    for signum in PARENT_HANDLED_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
