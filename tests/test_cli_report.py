"""`aiwm report` end to end: a demo report with a recorded demo session, redaction of this
machine's identity in the written bytes, and every refusal as one line with exit status 2."""

from __future__ import annotations

import getpass
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from app.cli import main
from app.report.schema import report_schema


def _aiwm(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=300, check=False, env=env
    )


def _main(args: list[str]) -> int:
    """`aiwm` in this process; argparse's usage errors end in SystemExit, as they do for the user."""
    try:
        return main(args)
    except SystemExit as exit_:
        return int(exit_.code or 0)


@pytest.fixture(scope="module")
def demo_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten simulated minutes recorded by `aiwm record --demo --time-scale 100` (about 6 s)."""
    folder = tmp_path_factory.mktemp("session")
    session = folder / "demo.aiwm"
    env = {**os.environ, "AIWM_HOME": str(folder / "home")}
    done = _aiwm("record", "--demo", "--time-scale", "100", "--duration", "600", "--out", str(session), env=env)
    assert done.returncode == 0, done.stderr
    return session


def test_a_demo_report_with_a_recorded_session_is_valid_json_with_its_history(
    tmp_path: Path, demo_session: Path
) -> None:
    out = tmp_path / "report.json"
    done = _aiwm("report", "--format", "json", "--out", str(out), "--demo", "--session", str(demo_session))
    assert done.returncode == 0, done.stderr
    assert f"wrote the json report (SIMULATED) to {out}" in done.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(doc, report_schema(), cls=jsonschema.Draft202012Validator)
    assert doc["simulated"] is True and doc["period"]["source"] == f"session {demo_session}"
    assert 590 <= doc["period"]["seconds"] <= 600
    names = {m["name"] for m in doc["history"]["metrics"]}
    assert {"gpu0.temperature_c", "gpu1.power_w"} <= names
    temperature = next(m for m in doc["history"]["metrics"] if m["name"] == "gpu0.temperature_c")
    assert 15 <= temperature["min"] <= temperature["mean"] <= temperature["max"] <= 101  # an RTX 4090 stays in range
    assert all(len(s["t"]) <= 600 for g in doc["graphs"] for s in g["series"])
    assert doc["software"]["facts"]["schema"] == "aiwm.facts/1"


def test_since_keeps_the_last_minutes_of_the_session(tmp_path: Path, demo_session: Path) -> None:
    out = tmp_path / "r.json"
    done = _aiwm("report", "--format", "json", "--out", str(out), "--demo", "--sections", "history",
                 "--session", str(demo_session), "--since", "2m")  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["period"]["seconds"] == 120.0
    assert [s["id"] for s in doc["sections"]] == ["history"]


def _identity() -> set[str]:
    """This machine's hostname, user name, home folder and every interface's MAC and IP address.

    A user name that is a common word ("root") is no secret in prose ("needs root to read", CSS's
    `:root`): the tests check it is gone from the `user` field, and its home folder (/root) from all text."""
    import psutil

    from app.report.redact import COMMON_USER_WORDS

    user = getpass.getuser()
    secrets = {socket.gethostname(), str(Path.home())} | ({user} if user.lower() not in COMMON_USER_WORDS else set())
    for addresses in psutil.net_if_addrs().values():
        secrets |= {a.address.split("%")[0] for a in addresses if a.address and set(a.address) - set("0:.")}
    return secrets


def test_redacted_html_holds_none_of_this_machines_identity(tmp_path: Path, demo_session: Path) -> None:
    out = tmp_path / "r.html"
    done = _aiwm("report", "--format", "html", "--out", str(out), "--demo", "--redact", "--session", str(demo_session))
    assert done.returncode == 0, done.stderr
    # the style sheet is the program's own text (":root" is not the user root): look at the rest
    data = re.sub(r"<style>.*?</style>", "", out.read_text(encoding="utf-8"), flags=re.S)
    for secret in _identity():
        assert len(secret) <= 2 or secret not in data, secret
    assert "host-1" in data


def test_redact_leaves_none_of_this_machines_identity_in_the_file(tmp_path: Path, demo_session: Path) -> None:
    out = tmp_path / "r.json"
    done = _aiwm("report", "--format", "json", "--out", str(out), "--demo", "--redact", "--session", str(demo_session))
    assert done.returncode == 0, done.stderr
    data = out.read_bytes().decode("utf-8")
    doc = json.loads(data)
    for secret in _identity():
        if len(secret) > 2:
            assert secret not in data, secret
        else:  # a two-letter hostname ("vm") also occurs inside words: look for it as a value
            assert secret not in {doc["machine"]["hostname"], doc["machine"]["user"]}
    assert doc["redacted"] is True and doc["machine"]["hostname"] == "host-1"
    assert doc["machine"]["user"] == "user-1"  # a user name that is a common word ("root") too
    assert doc["title"] == "System report: host-1 [SIMULATED]"
    assert "GPU-SIMULATED" not in data  # UUIDs: the demo GPUs' own


@pytest.mark.parametrize("since", ["5x", "-3h", "0", "h", "24 hours", "nan", "1e9d", ""])
def test_a_bad_duration_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], since: str) -> None:
    out = tmp_path / "r.json"
    assert _main(["report", "--format", "json", "--out", str(out), "--since", since, "--demo"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("aiwm: error: argument --since")
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("24h", 86400), ("7d", 604800), ("3600", 3600), ("90s", 90)]
)
def test_durations_in_minutes_hours_days_or_seconds(text: str, seconds: float) -> None:
    from app.cli.report import duration_seconds

    assert duration_seconds(text) == seconds


def test_an_existing_out_file_is_left_alone_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.json"
    out.write_text("the user's file")
    assert _main(["report", "--format", "json", "--out", str(out), "--demo", "--sections", "gpus"]) == 2
    assert (
        capsys.readouterr().err
        == f"aiwm: error: {out} already exists; choose a new file name (nothing was overwritten)\n"
    )
    assert out.read_text() == "the user's file"


@pytest.mark.parametrize("where", ["missing folder", "read-only folder", "a folder itself"])
def test_an_unwritable_path_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    if where == "missing folder":
        out = tmp_path / "nope" / "r.json"
    elif where == "read-only folder":
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        out = folder / "r.json"
        if os.access(folder, os.W_OK):  # root writes anywhere: make the folder a file's child instead
            (tmp_path / "file").write_text("")
            out = tmp_path / "file" / "r.json"
    else:
        out = tmp_path
    assert _main(["report", "--format", "json", "--out", str(out), "--demo", "--sections", "gpus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aiwm: error: cannot write {out}") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sections", "gpus,extras"], "unknown section 'extras'"),
        (["--since", "1h"], "--since chooses the history period; it needs --session FILE"),
        (["--session", "no-such.aiwm"], "no such session file"),
        (["--format", "docx"], "invalid choice: 'docx'"),
    ],
)
def test_other_bad_input_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "r.json"
    base = ["report", "--out", str(out), "--demo"] + ([] if "--format" in args else ["--format", "json"])
    assert _main([*base, *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()


def test_the_report_over_its_own_session_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.report.fixtures import write_session

    session = write_session(tmp_path / "s.aiwm", [40.0])
    assert _main(["report", "--format", "json", "--out", str(session), "--session", str(session), "--demo"]) == 2
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize("since", ["-5m", "-3h", "-0.5h", "-90"])
def test_a_negative_duration_is_called_negative_not_a_missing_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], since: str
) -> None:
    """The trial's case: `--since -5m` answered "expected one argument"."""
    out = tmp_path / "r.json"
    assert _main(["report", "--format", "json", "--out", str(out), "--demo", "--since", since]) == 2
    err = capsys.readouterr().err
    assert err == f"aiwm: error: argument --since: {since!r} must be a positive duration, e.g. 30m, 24h, 7d" + (
        " (see 'aiwm report --help')\n"
    )
    assert not out.exists()


def test_ctrl_c_while_building_says_so_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trial's case: Ctrl+C exited 130 with nothing on stderr."""
    import app.report.build

    def interrupted(*args: object, **kwargs: object) -> dict[str, object]:
        raise KeyboardInterrupt

    monkeypatch.setattr(app.report.build, "build_report", interrupted)
    out = tmp_path / "r.json"
    assert _main(["report", "--format", "json", "--out", str(out), "--demo", "--sections", "gpus"]) == 130
    assert capsys.readouterr().err == "aiwm: report cancelled; no file written\n"
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_writing_the_pdf_leaves_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.cli.report

    def half_then_interrupted(document: dict[str, object], path: Path) -> None:
        path.write_bytes(b"%PDF-1.7 half")
        raise KeyboardInterrupt

    monkeypatch.setattr(app.cli.report, "_pdf_writer", lambda: half_then_interrupted)
    out = tmp_path / "r.pdf"
    assert _main(["report", "--format", "pdf", "--out", str(out), "--demo", "--sections", "gpus"]) == 130
    assert capsys.readouterr().err == "aiwm: report cancelled; no file written\n"
    assert list(tmp_path.iterdir()) == []


def test_sessions_of_different_gpus_are_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The trial's case: `--session s.aiwm deg.aiwm` merged an RTX 4090 and a degraded one into one "gpu0"."""
    from tests.report.fixtures import T0, write_session

    a = write_session(tmp_path / "s.aiwm", [40.0], gpu_uuid="GPU-SIMULATED-0000-rtx4090")
    b = write_session(tmp_path / "deg.aiwm", [80.0], start_s=T0 + 5, gpu_uuid="GPU-SIMULATED-0000-rtx4090-degraded")
    out = tmp_path / "r.json"
    assert _main(["report", "--format", "json", "--out", str(out), "--demo", "--session", str(a), str(b)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aiwm: error: {a} and {b} recorded different GPUs as GPU 0") and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("fmt", "size", "sections"),
    [("pdf", "16k", "gpus,machine"), ("html", "8k", "gpus,machine"), ("json", "4k", "gpus,machine,software")],
)
def test_a_full_disk_is_one_line_exit_2_and_no_file(fmt: str, size: str, sections: str) -> None:
    """The trial's cases: a PDF cut short on a full disk was reported written (Qt does not report
    write errors); HTML and JSON ended in an OSError traceback."""
    from tests.test_cli_full_disk import PYTHON, _in_a_small_tmpfs

    done = _in_a_small_tmpfs(
        f"QT_QPA_PLATFORM=offscreen AIWM_HOME=$(mktemp -d) {PYTHON} report --format {fmt} --out r.{fmt} --demo"
        f" --sections {sections}; echo status $?; ls -A",
        size=size,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"aiwm: error: cannot write r.{fmt}: ") and done.stderr.count("\n") == 1
    assert done.stdout.split() == ["status", "2"], "exit 2, and neither the report nor a temporary file is left"
