"""Helpers for the fact readers' tests: fake command runners and executable scripts in tmp_path."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from app.core.proc import CommandResult

Runner = Callable[[list[str], float], CommandResult]


def script(path: Path, body: str) -> Path:
    """An executable shell script at `path` (a fake nvcc, python or conda)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def answering(outputs: dict[str, CommandResult], others: Runner | None = None) -> tuple[Runner, list[list[str]]]:
    """A runner that answers by program name (the first word) and records each call; other programs
    go to `others` (the real runner, to run fake scripts), or are 'not installed'."""
    calls: list[list[str]] = []

    def run(args: list[str], timeout_s: float) -> CommandResult:
        calls.append(args)
        name = Path(args[0]).name
        if name not in outputs and others is not None:
            return others(args, timeout_s)
        return outputs.get(name, CommandResult(None, "", "", f"{name} is not installed"))

    return run, calls


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
