"""Layer rules from ../shared/ARCHITECTURE.md and docs/architecture.md, checked.

* The engine (`app.core`) and the capability packages load no Qt, not even indirectly.
* `app.core` imports nothing above it: no capability package, no `app.ui`, no `app.cli`.
* Capability packages may use `app.core` and each other's records, never `app.ui` or `app.cli`.
* The CLI's non-GUI commands load no Qt (fast start over SSH).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).parents[1] / "app"
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph")
CAPABILITIES = ("doctor", "stress", "planner", "report", "fleet")
ENGINE_PACKAGES = ("core", *CAPABILITIES)


def _modules_loaded_by(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {name.split(".")[0] for name in done.stdout.split()}


def _module_name(path: Path) -> str:
    return "app." + ".".join(path.relative_to(APP).with_suffix("").parts).removesuffix(".__init__")


def _imports_of(path: Path) -> set[str]:
    """Every module a file imports by name (`import a.b`, `from a.b import c` gives a.b and a.b.c)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{path.relative_to(APP.parent)} imports {name}"
        for path in (APP / package).rglob("*.py")
        for name in _imports_of(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )


def test_every_capability_package_exists() -> None:
    assert [p for p in CAPABILITIES if not (APP / p / "__init__.py").is_file()] == []


def test_the_engine_and_capabilities_import_no_qt() -> None:
    modules = sorted(_module_name(p) for package in ENGINE_PACKAGES for p in (APP / package).rglob("*.py"))
    assert len(modules) > 30
    loaded = _modules_loaded_by("\n".join(f"import {m}" for m in modules))
    assert not loaded & set(QT_MODULES), f"the engine loaded {loaded & set(QT_MODULES)}"


@pytest.mark.parametrize("package", ENGINE_PACKAGES)
def test_no_engine_module_names_qt(package: str) -> None:
    assert _violations(package, QT_MODULES) == []


def test_the_core_imports_nothing_above_it() -> None:
    above = (*(f"app.{p}" for p in CAPABILITIES), "app.ui", "app.cli", "app.smoke")
    assert _violations("core", above) == []


@pytest.mark.parametrize("package", CAPABILITIES)
def test_capabilities_do_not_import_the_front_ends(package: str) -> None:
    assert _violations(package, ("app.ui", "app.cli")) == []


def test_the_contract_checker_sees_a_violation(tmp_path: Path) -> None:
    """The rules above must be able to fail: a planted Qt import is reported."""
    planted = tmp_path / "planted.py"
    planted.write_text("from PySide6.QtCore import QObject\nimport app.ui.theme\n")
    assert _imports_of(planted) >= {"PySide6.QtCore", "PySide6.QtCore.QObject", "app.ui.theme"}


def test_the_command_line_loads_no_qt_for_its_headless_commands(tmp_path: Path) -> None:
    """snapshot, record, export, metrics and report (json) run over SSH on servers without Qt's libraries."""
    session, csv = tmp_path / "s.aiwm", tmp_path / "s.csv"
    commands = [
        ["snapshot", "--json", "--demo"],
        ["record", "--out", str(session), "--duration", "1", "--demo"],
        ["export", str(session), "--csv", str(csv)],
        ["metrics", "--json"],
        ["report", "--format", "json", "--out", str(tmp_path / "r.json"), "--demo", "--session", str(session)],
    ]
    loaded = _modules_loaded_by(
        "import io, contextlib\nfrom app.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        + "".join(f"    assert main({c!r}) == 0\n" for c in commands)
    )
    assert csv.is_file()
    assert not loaded & set(QT_MODULES)
