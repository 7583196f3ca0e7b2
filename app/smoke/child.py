"""`aiwm --smoke-child` (unlisted), started by `aiwm --smoke-test`: set the process up, then run the
window's steps (app.ui.smoke).

The setup comes before Qt is imported: the offscreen platform (no display is needed or used), a
UTF-8 character locale (app.ui.utf8_locale: else Qt switches to one itself and warns) and every
Python warning shown. A bundle ignores PYTHONWARNINGS, which the parent also sets, so this
filter is what shows, in a bundle, the warnings of importing Qt, pyqtgraph and the window's modules.
"""

from __future__ import annotations

import argparse
import os
import warnings


def prepare_child_process() -> None:
    """Offscreen Qt, a UTF-8 character locale (as the window sets it), and every warning printed
    (once per place) instead of Python's quiet defaults."""
    from app.ui.utf8_locale import use_utf8_locale  # no Qt in it

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    use_utf8_locale()
    warnings.simplefilter("default")


def smoke_child_command(args: argparse.Namespace) -> int:
    """Run the smoke test's steps in this process: 0 when all passed, else 1."""
    prepare_child_process()
    from app.ui.smoke import run_smoke_child  # Qt is loaded only now

    return run_smoke_child(args)
