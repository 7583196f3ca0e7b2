"""packaging/entry.py: the bundle's entry script."""

from __future__ import annotations

import ast
import os
import sys

import pytest
from entry import give_back_user_environment, give_windowed_program_streams, user_environment

from tests.packaging.bundle_runner import PACKAGING


def test_a_windowed_program_gets_streams_that_take_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    give_windowed_program_streams()
    assert sys.stdout is not None and sys.stderr is not None
    try:
        assert sys.stderr.write("lost, not fatal\n") == 16
    finally:
        sys.stdout.close()
        sys.stderr.close()


def test_a_console_programs_streams_are_left_alone() -> None:
    before = (sys.stdout, sys.stderr)
    give_windowed_program_streams()
    assert (sys.stdout, sys.stderr) == before


def test_freeze_support_runs_before_the_program_is_imported() -> None:
    """A spawned worker must become the worker before app.cli (and its imports) runs as a second aiwm."""
    tree = ast.parse((PACKAGING / "entry.py").read_text())
    main_block = next(node for node in tree.body if isinstance(node, ast.If))
    first = main_block.body[0]
    assert isinstance(first, ast.Expr) and ast.unparse(first) == "multiprocessing.freeze_support()"
    assert not any(isinstance(node, ast.ImportFrom) and node.module == "app.cli" for node in tree.body)


BUNDLE = "/opt/aiwm/_internal"


def test_the_users_library_path_comes_back_from_the_bootloaders_copy() -> None:
    # What PyInstaller's Linux bootloader leaves for a user who had set LD_LIBRARY_PATH=/usr/local/cuda/lib64.
    started = {
        "LD_LIBRARY_PATH": f"{BUNDLE}:/usr/local/cuda/lib64",
        "LD_LIBRARY_PATH_ORIG": "/usr/local/cuda/lib64",
        "HOME": "/home/ada",
    }
    assert user_environment(started, BUNDLE) == {"LD_LIBRARY_PATH": "/usr/local/cuda/lib64", "HOME": "/home/ada"}


def test_a_library_path_the_user_had_not_set_is_removed() -> None:
    assert user_environment({"LD_LIBRARY_PATH": BUNDLE, "HOME": "/home/ada"}, BUNDLE) == {"HOME": "/home/ada"}


def test_qt_paths_into_the_bundle_go_and_the_users_own_stay() -> None:
    ours = {"QT_PLUGIN_PATH": f"{BUNDLE}/PySide6/Qt/plugins", "QML2_IMPORT_PATH": f"{BUNDLE}/PySide6/Qt/qml"}
    assert user_environment(ours, BUNDLE) == {}
    users = {"QT_PLUGIN_PATH": "/usr/lib/qt6/plugins", "QML2_IMPORT_PATH": "/opt/aiwm-data/qml"}
    assert user_environment(users, BUNDLE) == users  # a sibling folder whose name starts alike is not inside


def test_on_windows_the_bundle_leaves_path_and_the_library_path_is_not_touched() -> None:
    bundle = "C:\\Users\\ada\\AppData\\Local\\Programs\\aiwm\\_internal"
    started = {"PATH": f"{bundle};C:\\Windows\\system32;;C:\\Tools", "LD_LIBRARY_PATH": "/x"}
    restored = user_environment(started, bundle, windows=True)
    assert restored == {"PATH": "C:\\Windows\\system32;;C:\\Tools", "LD_LIBRARY_PATH": "/x"}


def test_from_source_the_environment_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setenv("LD_LIBRARY_PATH", "/somewhere")
    give_back_user_environment()
    assert os.environ["LD_LIBRARY_PATH"] == "/somewhere"


def test_in_a_bundle_os_environ_itself_is_given_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", BUNDLE, raising=False)
    monkeypatch.setenv("LD_LIBRARY_PATH", BUNDLE)
    monkeypatch.delenv("LD_LIBRARY_PATH_ORIG", raising=False)
    monkeypatch.setenv("QT_PLUGIN_PATH", f"{BUNDLE}/PySide6/Qt/plugins")
    give_back_user_environment()
    assert "LD_LIBRARY_PATH" not in os.environ and "QT_PLUGIN_PATH" not in os.environ


def test_the_environment_is_given_back_before_the_program_is_imported() -> None:
    tree = ast.parse((PACKAGING / "entry.py").read_text())
    main_block = next(node for node in tree.body if isinstance(node, ast.If))
    calls = [ast.unparse(node) for node in main_block.body if isinstance(node, ast.Expr)]
    assert "give_back_user_environment()" in calls
