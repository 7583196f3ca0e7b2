"""The doctor's text says so when it asked no Python environment about frameworks: the installed
bundle's own Python has none, so without `--env` (or a conda environment found) nothing was checked,
and before, only `--json` said why (in `missing`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.cli.doctor import doctor_text
from app.doctor.document import facts_document
from app.doctor.gather import Places, _interpreters
from app.doctor.records import EnvironmentFact, Facts
from app.doctor.rules import evaluate
from tests.doctor.helpers import facts, framework

NOT_CHECKED = "Frameworks: not checked"


def _bundle_reasons(monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[str, str], ...]:
    """What the gatherer records in a frozen bundle with no conda environment (its own reason text)."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    missing: list[tuple[str, str]] = []
    assert _interpreters([], Places(conda_search=False), missing) == []
    return tuple(missing)


def _lines(report_facts: Facts) -> list[str]:
    return doctor_text(evaluate(report_facts)).splitlines()


def test_a_bundle_that_asked_no_environment_says_why_and_how_to_name_one(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = _bundle_reasons(monkeypatch)
    why = dict(missing)["environments[own]"]
    lines = _lines(facts(missing=missing))
    said = [line for line in lines if line.startswith(NOT_CHECKED)]
    assert len(said) == 1
    assert why in said[0] and "aiwm doctor --env ~/venvs/train" in said[0]
    assert lines[-2] == said[0] and lines[-1].startswith("overall: ")  # seen next to the overall status


def test_on_windows_the_example_is_a_powershell_path(monkeypatch: pytest.MonkeyPatch) -> None:
    said = [line for line in _lines(facts(os="windows", missing=_bundle_reasons(monkeypatch))) if NOT_CHECKED in line]
    assert len(said) == 1 and "aiwm doctor --env $HOME\\venvs\\train" in said[0]


def test_no_environment_and_no_recorded_reason_still_says_none_was_asked() -> None:
    said = [line for line in _lines(facts(missing=())) if line.startswith(NOT_CHECKED)]
    assert said == [
        f"{NOT_CHECKED} - no Python environment was asked; name your environment:"
        " aiwm doctor --env ~/venvs/train (a venv or conda environment folder, or its python)"
    ]


def test_an_environment_that_was_asked_gives_no_such_line(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = EnvironmentFact("/home/u/venvs/train/bin/python", "answered", python="3.12.3")
    lines = _lines(facts(environments=(asked,), missing=_bundle_reasons(monkeypatch)))
    assert not any(NOT_CHECKED in line for line in lines)


def test_frameworks_from_a_facts_file_give_no_such_line() -> None:
    lines = _lines(facts(frameworks=(framework(),)))
    assert not any(NOT_CHECKED in line for line in lines)


def test_the_command_prints_it_for_a_bundles_facts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Through `aiwm doctor --facts` with the facts of a bundle (as `aiwm snapshot --json` keeps them)."""
    path = tmp_path / "bundle-facts.json"
    missing = _bundle_reasons(monkeypatch)
    path.write_text(json.dumps(facts_document(facts(missing=missing))), encoding="utf-8")
    assert main(["doctor", "--facts", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{NOT_CHECKED} - {dict(missing)['environments[own]']}; name your environment: aiwm doctor --env" in out
