"""The bundle's entry script: what `aiwm` (and, on Windows, `aiwm-gui`) runs inside the bundle.

`multiprocessing.freeze_support()` comes first: the stress tests start their workers with the
"spawn" method, which in a bundle re-runs this same executable with multiprocessing's own
arguments; freeze_support() turns such a run into the worker instead of a second `aiwm`.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()

    from app.cli import main

    sys.exit(main())
