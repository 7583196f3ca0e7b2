"""`aiwm snapshot --host` and `aiwm doctor --host` through a real sshd to this checkout's own aiwm
(logging the arguments it got), and their failures as one line with exit status 2."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main
from tests.fleet.local_sshd import LocalSshd, keygen

# The remote aiwm: this checkout's, after writing its arguments to remote-argv.log in the work folder.
LOGGING_AIWM = [
    "/bin/sh",
    "-c",
    f'echo "$*" >> remote-argv.log; exec {shlex.quote(sys.executable)} -m app "$@"',
    "aiwm",
]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as exited:  # the parser's usage errors
        status = int(exited.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def sshd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalSshd]:
    with LocalSshd(tmp_path / "sshd", LOGGING_AIWM) as server:
        monkeypatch.setenv("AIWM_SSH_OPTIONS", " ".join(server.ssh_options))
        yield server


def remote_argv(sshd: LocalSshd) -> list[str]:
    return (sshd.workdir / "remote-argv.log").read_text().splitlines()


def test_snapshot_host_json_prints_the_remote_document_and_passes_demo_on(
    sshd: LocalSshd, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["snapshot", "--host", sshd.alias, "--demo", "rtx4090", "--json"], capsys)
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert doc["schema"] == "aiwm.snapshot/1" and doc["simulated"] is True
    assert [gpu["name"] for gpu in doc["gpus"]] == ["NVIDIA GeForce RTX 4090 [SIMULATED]"]
    assert remote_argv(sshd) == ["snapshot --json --demo rtx4090"]
    assert "Starting session: command for" in (sshd.workdir / "sshd.log").read_text()


def test_snapshot_host_prints_the_remote_snapshot_as_text(sshd: LocalSshd, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["snapshot", "--host", sshd.alias, "--demo"], capsys)
    assert (status, err) == (0, "")
    assert out.startswith("*** SIMULATED GPUs (--demo)")
    assert "NVIDIA GeForce RTX 4090 [SIMULATED]" in out and "NVIDIA GeForce RTX 3090 [SIMULATED]" in out
    assert remote_argv(sshd) == ["snapshot --json --demo rtx4090,rtx3090"]


def test_doctor_host_prints_the_remote_findings_with_the_doctor_text_view(
    sshd: LocalSshd, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["doctor", "--host", sshd.alias, "--demo", "--json"], capsys)
    doc = json.loads(out)
    assert doc["schema"] == "aiwm.doctor/1" and doc["simulated"] is True and err == ""
    assert status == (1 if doc["overall"] == "fail" else 0)
    status, text, err = run(["doctor", "--host", sshd.alias, "--demo"], capsys)
    assert err == "" and status == (1 if doc["overall"] == "fail" else 0)
    lines = text.splitlines()
    assert lines[0] == "SIMULATED GPUs (--demo): these findings describe simulated hardware"
    assert lines[-1].startswith(f"overall: {doc['overall'].upper()} (SIMULATED)")
    for finding in doc["findings"]:
        assert finding["title"] in text
    assert remote_argv(sshd) == ["doctor --json --demo rtx4090,rtx3090"] * 2


def test_a_refused_login_is_one_line_and_exit_2(
    sshd: LocalSshd, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keygen(sshd.workdir / "unauthorised_key")
    config = sshd.write_client_config("wrong_key_config", identity=sshd.workdir / "unauthorised_key")
    monkeypatch.setenv("AIWM_SSH_OPTIONS", f"-F {config}")
    for command in ("snapshot", "doctor"):
        status, out, err = run([command, "--host", sshd.alias], capsys)
        assert (status, out) == (2, "")
        assert err.startswith("aiwm: error: aiwm-test-host: ") and err.count("\n") == 1
        assert "Permission denied (publickey)" in err and "ssh-copy-id aiwm-test-host" in err


def test_aiwm_missing_on_the_host_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the shim folder on the remote PATH: an aiwm installed on this machine must not answer.
    with LocalSshd(tmp_path / "sshd", LOGGING_AIWM, system_path="") as server:
        (server.workdir / "bin" / "aiwm").unlink()
        monkeypatch.setenv("AIWM_SSH_OPTIONS", " ".join(server.ssh_options))
        status, out, err = run(["snapshot", "--host", server.alias, "--json"], capsys)
    assert (status, out) == (2, "")
    assert "aiwm: command not found" in err and "pip install" in err and err.count("\n") == 1


def test_an_unknown_host_key_is_refused_not_accepted(
    sshd: LocalSshd, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = sshd.workdir / "empty_known_hosts"
    empty.write_text("")
    monkeypatch.setenv("AIWM_SSH_OPTIONS", f"-F {sshd.write_client_config('c', known_hosts=empty)}")
    status, _, err = run(["snapshot", "--host", sshd.alias], capsys)
    assert status == 2 and "No ED25519 host key is known" in err
    assert empty.read_text() == ""  # BatchMode: ssh added no key


def test_a_remote_answer_of_another_schema_names_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    older = ["/bin/sh", "-c", 'echo \'{"schema": "aiwm.snapshot/0", "gpus": []}\'', "aiwm"]
    with LocalSshd(tmp_path / "sshd", older) as server:
        monkeypatch.setenv("AIWM_SSH_OPTIONS", " ".join(server.ssh_options))
        status, out, err = run(["snapshot", "--host", server.alias], capsys)
    assert (status, out) == (2, "")
    assert "'aiwm.snapshot/0'" in err and "'aiwm.snapshot/1'" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["doctor", "--host", "gpu1", "--facts", "facts.json"], "--facts checks a file on this machine"),
        (["snapshot", "--host", "gpu1", "--demo", "--time-scale", "10"], "--time-scale cannot go with --host"),
        (["snapshot", "--host=-oProxyCommand=sh"], "starts with '-'"),
    ],
)
def test_arguments_that_cannot_go_with_host_are_refused_before_ssh_runs(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no ssh to run: the refusal must come first
    status, out, err = run(argv, capsys)
    assert (status, out) == (2, "") and says in err and err.count("\n") == 1


def test_no_ssh_program_is_one_line_with_how_to_install_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    status, out, err = run(["snapshot", "--host", "gpu1"], capsys)
    assert (status, out) == (2, "")
    assert err.startswith("aiwm: error: gpu1: no `ssh` program") and "openssh-client" in err
