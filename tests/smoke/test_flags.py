"""`aiwm --smoke-test` and `--timings` on the command line: routing, the child's command, and bad
input refused in one line with exit status 2 before anything runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.cli import main
from app.cli.arguments import build_parser
from app.smoke import parent


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and "Traceback" not in captured.err
    return captured.err


@pytest.fixture
def no_child(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the child the parent would start, instead of starting it."""
    started: list[list[str]] = []
    monkeypatch.setattr(parent, "run_smoke_test", lambda command, timings: started.append(command) or 0)
    return started


def test_smoke_test_is_a_top_level_flag_that_starts_the_child_of_this_same_program(no_child: list[list[str]]) -> None:
    assert main(["--smoke-test"]) == 0
    assert no_child == [[sys.executable, "-m", "app", "--smoke-child", "--demo"]]


def test_the_child_gets_the_simulated_gpus_time_scale_and_theme_asked_for(no_child: list[list[str]]) -> None:
    assert main(["--smoke-test", "--demo", "rtx3090", "--time-scale", "4", "--theme", "dark"]) == 0
    assert main(["--smoke-test", "--demo", "rtx3090", "--time-scale", "0.0123456789"]) == 0
    assert no_child[1][-2:] == ["--time-scale", "0.0123456789"]  # not rounded to 6 digits
    assert no_child[0][3:] == ["--smoke-child", "--demo", "rtx3090", "--time-scale", "4.0", "--theme", "dark"]


def test_the_smoke_flags_replace_the_gui_command_and_only_when_given() -> None:
    parser = build_parser()
    assert parser.parse_args(["gui", "--smoke-test"]).command == "smoke-test"
    assert parser.parse_args(["gui", "--smoke-child"]).command == "smoke-child"
    assert parser.parse_args(["gui", "--demo"]).command == "gui"


def test_the_child_flag_is_not_listed_in_help() -> None:
    text = build_parser()._subparsers._group_actions[0].choices["gui"].format_help()  # type: ignore[union-attr]
    assert "--smoke-test" in text and "--timings FILE" in text
    assert "--smoke-child" not in text


def test_timings_without_smoke_test_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    err = _refused(capsys, "--timings", str(tmp_path / "t.json"))
    assert err == "aiwm: error: --timings needs --smoke-test: it saves the smoke test's times\n"
    assert not (tmp_path / "t.json").exists()


def test_an_existing_timings_file_is_refused_and_keeps_its_bytes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_child: list[list[str]]
) -> None:
    existing = tmp_path / "t.json"
    existing.write_bytes(b"keep me")
    assert "already exists" in _refused(capsys, "--smoke-test", "--timings", str(existing))
    assert existing.read_bytes() == b"keep me"
    assert no_child == []


def test_a_timings_file_in_a_missing_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_child: list[list[str]]
) -> None:
    _refused(capsys, "--smoke-test", "--timings", str(tmp_path / "no-such-folder" / "t.json"))
    assert no_child == []


@pytest.mark.parametrize(
    ("extra", "flag"),
    [(["--screenshot", "x.png"], "--screenshot"), (["--minimized"], "--minimized"), (["--after", "0"], "--after")],
)
def test_window_options_that_mean_nothing_for_the_smoke_test_are_refused(
    capsys: pytest.CaptureFixture[str], no_child: list[list[str]], extra: list[str], flag: str
) -> None:
    err = _refused(capsys, "--smoke-test", *extra)
    assert err.startswith(f"aiwm: error: {flag} cannot go with --smoke-test")
    assert no_child == []


def test_an_unknown_demo_profile_is_refused_before_the_child_starts(
    capsys: pytest.CaptureFixture[str], no_child: list[list[str]]
) -> None:
    _refused(capsys, "--smoke-test", "--demo", "gtx9999")
    assert no_child == []


def test_the_smoke_test_does_not_create_the_data_folder(private_home: Path, no_child: list[list[str]]) -> None:
    assert main(["--smoke-test"]) == 0
    assert not private_home.exists()
