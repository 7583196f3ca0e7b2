"""The command line that runs this same `aiwm` again, from a source checkout or from a bundle.

A PyInstaller bundle's `sys.executable` is the `aiwm` program itself; from source it is Python,
which runs the program as `python -m app`. The smoke test and the fleet's tests start a second
`aiwm` this way, so they run what the user installed, not whatever `aiwm` is on the PATH.
"""

from __future__ import annotations

import sys


def is_bundle() -> bool:
    """True in a PyInstaller bundle (`sys.frozen`), where there is no Python to run modules with."""
    return bool(getattr(sys, "frozen", False))


def aiwm_command() -> list[str]:
    """The argv prefix that starts this `aiwm`: `[bundle exe]` or `[python, "-m", "app"]`."""
    if is_bundle():
        return [sys.executable]
    return [sys.executable, "-m", "app"]
