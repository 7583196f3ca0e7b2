"""The command line's limits are inclusive as --help says, and Ctrl+C anywhere exits 130."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import cli


def test_the_longest_recording_is_exactly_thirty_days(tmp_path: Path) -> None:
    parse = cli.build_parser().parse_args
    assert parse(["record", "--out", str(tmp_path / "a.aiwm"), "--duration", "2592000"]).duration == 2_592_000.0
    with pytest.raises(SystemExit) as stopped:
        parse(["record", "--out", str(tmp_path / "a.aiwm"), "--duration", "2592000.5"])
    assert stopped.value.code == 2


def test_the_time_scale_limits_are_inclusive(tmp_path: Path) -> None:
    parse = cli.build_parser().parse_args
    assert parse(["snapshot", "--demo", "--time-scale", "1000"]).time_scale == 1000.0
    assert parse(["snapshot", "--demo", "--time-scale", "0.01"]).time_scale == 0.01


def test_ctrl_c_in_any_command_exits_130_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_run", interrupted)
    assert cli.main(["metrics"]) == 130  # 128 + SIGINT (2), the shell's convention
    assert "Traceback" not in capsys.readouterr().err


def test_demo_given_twice_is_refused_not_silently_replaced(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.build_parser().parse_args(["snapshot", "--demo", "rtx4090", "--demo", "rtx3090"])
    assert stopped.value.code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("aiwm: error: --demo given twice")
    assert cli.build_parser().parse_args(["snapshot", "--demo"]).demo == "rtx4090,rtx3090", "alone: the default pair"
    assert cli.build_parser().parse_args(["snapshot"]).demo is None, "no --demo: real hardware"
