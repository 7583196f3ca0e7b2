"""A watched host from a new-user trial (issue 13): an older aiwm that does not give its version, and
the stream header's optional "sources" (what the remote samples; "simulated only" at a --time-scale)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.fleet.remote import RemoteHost
from app.fleet.wire import StreamSchemaError, header_line, parse_header
from tests.fleet.fake_remote import EXAMPLE_STREAM
from tests.fleet.local_sshd import REPO, LocalSshd
from tests.fleet.test_remote_failures import watch_until

# An aiwm from before program_version was sent: a header with a schema and nothing else.
NO_VERSION_AIWM = ["/bin/sh", "-c", """echo '{"schema": "aiwm.stream/0"}'; cat > /dev/null""", "aiwm"]


def test_an_older_aiwm_without_a_version_is_named_as_such_not_unknown_version(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, NO_VERSION_AIWM) as sshd:
        status, got = watch_until(RemoteHost(sshd.alias, ssh_options=sshd.ssh_options), "failed")
    problem = status.problem
    assert problem is not None and problem.kind == "old_schema" and got.samples == []
    assert problem.message == (
        "aiwm-test-host: an aiwm that does not give its version speaks aiwm.stream/0, this aiwm speaks aiwm.stream/1"
    )
    assert "unknown version" not in problem.advice and "aiwm.stream/0" in problem.advice


def test_a_schema_error_with_a_version_still_names_it() -> None:
    try:
        parse_header('{"schema": "aiwm.stream/0", "program_version": "0.0.9"}')
    except StreamSchemaError as error:
        assert str(error) == "the remote aiwm 0.0.9 speaks aiwm.stream/0, this aiwm speaks aiwm.stream/1"
    else:
        raise AssertionError("another schema must be refused")


@pytest.mark.parametrize(("options", "sources"), [([], "all"), (["--time-scale", "10"], "simulated only")])
def test_the_stream_header_says_what_the_remote_samples(options: list[str], sources: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "stream", "--demo", "rtx4090", *options],
        stdin=subprocess.DEVNULL,  # `aiwm stream < /dev/null` prints its header and ends
        capture_output=True,
        timeout=60,
        check=False,
        cwd=REPO,
    )
    header = parse_header(done.stdout.splitlines()[0])
    assert header.sources == sources and header.simulated


def test_a_header_without_sources_reads_as_not_said() -> None:
    lines = EXAMPLE_STREAM.read_text(encoding="utf-8").splitlines()
    assert '"sources"' not in lines[0], "the recorded stream is from before the field"
    header = parse_header(lines[0])
    assert header.sources is None
    again = parse_header(header_line("h", True, 1.0, 0.0, header.inventory, "0.1.0", sources="simulated only"))
    assert again.sources == "simulated only" and again.inventory == header.inventory
