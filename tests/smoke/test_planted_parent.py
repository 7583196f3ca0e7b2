"""The parent's clock, its default timeout and the command it starts, against planted bugs the other
smoke tests let through (issue 12's test audit): the total timed from after the child was started or
to after its output was drained, no default timeout, and `python -m app` asked of a bundle."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app.core import self_command
from app.smoke import parent
from app.smoke.parent import CHILD_TIMEOUT_S, run_smoke_test
from tests.smoke.test_parent import STEP_LINES, _printing

TICK_S = 0.011  # the child's age is exact to a clock tick (app.smoke.clock)


def _timings(command: list[str], where: Path) -> dict[str, Any]:
    timings = where / "timings.json"
    out = io.StringIO()
    assert run_smoke_test(command, timings, 60.0, out) == 0, out.getvalue()
    document: dict[str, Any] = json.loads(timings.read_text())
    return document


def test_the_total_covers_the_childs_whole_life_even_when_starting_it_returns_late(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clock starts before the child exists: a Popen that returns 0.5 s after the child started
    (a slow machine, an antivirus scan) must not shorten the total below the child's own age."""
    age = tmp_path / "age.txt"

    class LateReturningPopen(subprocess.Popen):  # type: ignore[type-arg]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            time.sleep(0.5)

    monkeypatch.setattr(subprocess, "Popen", LateReturningPopen)
    record_age = (
        "import pathlib; from app.smoke.clock import process_age_s\n"
        f"pathlib.Path({str(age)!r}).write_text(repr(process_age_s()))\n"
    )
    document = _timings(_printing(STEP_LINES, then="time.sleep(0.8)\n" + record_age), tmp_path)
    assert document["total_s"] >= float(age.read_text()) - TICK_S


@pytest.mark.skipif(os.name != "posix", reason="the grandchild is a POSIX shell's background job")
def test_the_total_ends_when_the_child_ends_not_when_a_grandchild_lets_go_of_its_output(tmp_path: Path) -> None:
    """A process the child left behind holding its output is not the child's time."""
    leave_grandchild = "os.system('sleep 4 &')\n"
    began = time.perf_counter()
    document = _timings(_printing(STEP_LINES, then=leave_grandchild), tmp_path)
    assert time.perf_counter() - began >= 3.5  # the parent did wait for the output to end
    assert document["total_s"] < 3.0, document


def test_the_smoke_test_waits_for_its_child_at_most_the_default_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float | None] = []
    original_wait = subprocess.Popen.wait

    def recording_wait(self: subprocess.Popen[str], timeout: float | None = None) -> int:
        waited.append(timeout)
        return original_wait(self, timeout)

    monkeypatch.setattr(subprocess.Popen, "wait", recording_wait)
    assert run_smoke_test(_printing(STEP_LINES), out=io.StringIO()) == 0
    assert waited[0] == CHILD_TIMEOUT_S
    assert 60 <= CHILD_TIMEOUT_S <= 600  # a cold bundle start fits; a hung child does not hold CI for long


def test_in_a_bundle_the_child_is_the_bundles_own_executable(monkeypatch: pytest.MonkeyPatch) -> None:
    """PyInstaller sets sys.frozen, and sys.executable is the bundle's aiwm, which takes no `-m app`."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/aiwm/aiwm")
    monkeypatch.setattr(sys, "argv", ["/usr/bin/aiwm", "--smoke-test"])
    assert self_command.is_bundle()
    assert self_command.aiwm_command() == ["/opt/aiwm/aiwm"]
    args = parent_args()
    assert parent.child_command(args) == ["/opt/aiwm/aiwm", "--smoke-child", "--demo"]


def test_from_source_the_child_is_python_running_the_app_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert not self_command.is_bundle()
    assert self_command.aiwm_command() == [sys.executable, "-m", "app"]


def parent_args() -> Any:
    from app.cli.arguments import build_parser

    return build_parser().parse_args(["gui", "--smoke-test"])
