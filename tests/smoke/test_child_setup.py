"""The child's process setup, made before Qt loads: offscreen, and warnings that Python hides by default shown."""

from __future__ import annotations

import os
import subprocess
import sys

# A DeprecationWarning from a library module (not __main__): Python's default filters hide it
# ("ignore::DeprecationWarning" after "default::DeprecationWarning:__main__", docs.python.org,
# warnings "Default Warning Filter"), as a bundle would for pyqtgraph's or Qt's deprecations.
PLANT = "import warnings; warnings.warn_explicit('planted', DeprecationWarning, 'lib.py', 7, module='lib')\n"


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)


def test_python_hides_a_librarys_deprecation_warning_by_default() -> None:
    assert _run(PLANT).stderr == ""


def test_the_child_shows_it_and_runs_offscreen() -> None:
    done = _run(
        "import os, sys\nfrom app.smoke.child import prepare_child_process\nprepare_child_process()\n"
        + PLANT
        + "print(os.environ['QT_QPA_PLATFORM'], 'PySide6' in sys.modules)\n"
    )
    assert done.stderr == "lib.py:7: DeprecationWarning: planted\n"
    assert done.stdout == "offscreen False\n"
