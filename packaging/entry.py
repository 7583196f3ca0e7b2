"""The bundle's entry script: what `aiwm` (and, on Windows, `aiwm-gui`) runs inside the bundle.

`multiprocessing.freeze_support()` comes first: the stress tests start their workers with the
"spawn" method, which in a bundle re-runs this same executable with multiprocessing's own
arguments; freeze_support() turns such a run into the worker instead of a second `aiwm`.
"""

import multiprocessing
import os
import sys


def give_windowed_program_streams() -> None:
    """A windowed program (`aiwm-gui.exe`) starts with no standard output or error (None): point
    them at the null device, so that a write to them is lost instead of ending the program."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (open for the process's life)


if __name__ == "__main__":
    multiprocessing.freeze_support()
    give_windowed_program_streams()

    from app.cli import main

    sys.exit(main())
