"""The Hosts page over a real `RemoteHost`: ssh to a local OpenSSH server running this checkout's
`aiwm stream --demo` (tests/fleet/local_sshd.py, the SSH client developer's test server).

Needs the SSH client's `RemoteHost`, `local_sshd` and the `aiwm stream` command; on a branch that
has only their contracts the test says so and is skipped.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import psutil
import pytest

from app.fleet.watch import Fleet
from app.ui.pages.hosts.page import HostsPage
from app.ui.theme import LIGHT


def _skip(reason: str) -> None:
    print(f"SKIP: {reason}")
    pytest.skip(reason)


def _ssh_clients() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if p.name() == "ssh"]


def test_a_real_host_streams_into_its_row_and_removing_it_ends_its_ssh(qtbot, tmp_path: Path) -> None:
    try:
        local_sshd = importlib.import_module("tests.fleet.local_sshd")
    except ImportError:
        _skip("tests/fleet/local_sshd.py (the SSH client developer's) is not on this branch")
    from app.fleet.remote import RemoteHost

    try:
        RemoteHost("probe")
    except NotImplementedError:
        _skip("app/fleet/remote.py is still the placeholder RemoteHost on this branch")
    with local_sshd.LocalSshd(tmp_path / "sshd") as sshd:

        def over_ssh(_: str) -> RemoteHost:
            return RemoteHost(sshd.alias, ssh_options=sshd.ssh_options, remote_command=("aiwm", "stream", "--demo"))

        page = HostsPage(Fleet(over_ssh), LIGHT, 600.0, tmp_path / "hosts.json")
        qtbot.addWidget(page)
        page.show()
        try:
            page.add_host("demo-server")
            row = page.overview.rows["demo-server"]
            qtbot.waitUntil(
                lambda: len(row.gpu_lines) == 2 and row.gpu_lines[1].row.values["temperature"].text() != "n/a",
                timeout=60_000,
            )
            assert row.simulated.isVisible() and "streaming from" in row.state.text()
            assert [line.row.values["temperature"].text().endswith(" °C") for line in row.gpu_lines] == [True, True]
            assert _ssh_clients(), "the host is read by an ssh client process"
            page.remove_host("demo-server")
            qtbot.waitUntil(lambda: not _ssh_clients(), timeout=10_000)
        finally:
            page.shutdown()
