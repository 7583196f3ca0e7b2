"""A watched host's messages from a new-user trial (issue 13): an older aiwm that does not give its
version, and advice lines that quote the host for a shell."""

from __future__ import annotations

from pathlib import Path

from app.fleet.remote import RemoteHost
from app.fleet.wire import StreamSchemaError, parse_header
from tests.fleet.local_sshd import LocalSshd
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
