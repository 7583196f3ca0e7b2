"""The one exception a GPU workload's worker reports as a plain sentence (no type name, no traceback)."""

from __future__ import annotations


class StressFailure(RuntimeError):
    """The workload cannot go on: the message is one readable line for the user."""
