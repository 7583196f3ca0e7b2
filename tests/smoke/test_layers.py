"""app/smoke is the smoke test's Qt-free half: the parent starts no Qt, so a broken Qt in a bundle
shows as the child's failure, said in words, not as the parent's crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import app.smoke

QT_MODULES = {"PySide6", "shiboken6", "pyqtgraph"}


def test_the_smoke_package_and_the_parent_command_load_no_qt() -> None:
    modules = sorted(
        f"app.smoke.{p.stem}" for p in Path(app.smoke.__file__).parent.glob("*.py") if p.stem != "__init__"
    )
    assert "app.smoke.parent" in modules and "app.smoke.checks" in modules
    code = "\n".join(f"import {m}" for m in modules) + "\nimport sys; print('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    loaded = {name.split(".")[0] for name in done.stdout.split()}
    assert not loaded & QT_MODULES
