"""packaging/entry.py: the bundle's entry script."""

from __future__ import annotations

import ast
import sys

import pytest
from entry import give_windowed_program_streams

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
