"""Layer rules from docs/architecture.md, checked: the engine and the CLI's non-GUI commands load no Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

APP = Path(__file__).parents[1] / "app"
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph")


def _modules_loaded_by(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {name.split(".")[0] for name in done.stdout.split()}


def test_the_engine_imports_no_qt() -> None:
    engine_modules = sorted(
        "app." + ".".join(p.relative_to(APP).with_suffix("").parts) for p in (APP / "core").rglob("*.py")
    )
    assert len(engine_modules) > 20
    code = "\n".join(f"import {m.removesuffix('.__init__')}" for m in engine_modules)
    loaded = _modules_loaded_by(code)
    assert not loaded & set(QT_MODULES), f"the engine loaded {loaded & set(QT_MODULES)}"


def test_the_command_line_loads_no_qt_for_snapshot() -> None:
    loaded = _modules_loaded_by(
        "import io, contextlib\nfrom app.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['snapshot', '--json', '--demo'])"
    )
    assert not loaded & set(QT_MODULES)


def test_no_engine_source_mentions_qt_imports() -> None:
    offenders = [
        str(p)
        for p in (APP / "core").rglob("*.py")
        if any(
            line.lstrip().startswith(("import PySide6", "from PySide6", "import pyqtgraph", "from pyqtgraph"))
            for line in p.read_text().splitlines()
        )
    ]
    assert offenders == []
