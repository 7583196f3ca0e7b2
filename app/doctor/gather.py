"""PLACEHOLDER (issue 8, facts helper replaces this file): gather the live machine's facts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.core.engine import Engine
from app.doctor.records import Facts


def gather_facts(engine: Engine, extra_environments: Sequence[Path] = ()) -> Facts:
    """The live machine's facts; frameworks are asked in subprocesses with a timeout."""
    raise NotImplementedError


def find_python_environments() -> list[Path]:
    """Python interpreters worth checking besides our own: conda environments, found automatically."""
    raise NotImplementedError
