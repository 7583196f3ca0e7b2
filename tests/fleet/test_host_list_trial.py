"""hosts.json as a new user's editor leaves it (issue 13, new-user trial): a byte-order mark, one bad
entry among good ones, and names with shell metacharacters."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from app.fleet import host_list
from app.fleet.host_list import HOSTS_SCHEMA, host_name_problem, load_hosts

GOOD = ["gpu1", "alice@rack-a", "bob@2001:db8::1"]


def test_a_file_with_a_utf8_byte_order_mark_loads_as_written(tmp_path: Path) -> None:
    path = tmp_path / "hosts.json"
    text = json.dumps({"schema": HOSTS_SCHEMA, "hosts": GOOD})
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # what Notepad's "UTF-8 with BOM" writes
    loaded = load_hosts(path)
    assert loaded.hosts == tuple(GOOD) and loaded.warning is None and loaded.may_save
    assert [p.name for p in tmp_path.iterdir()] == ["hosts.json"], "a good file is not moved aside"


@pytest.mark.parametrize("bad", ["-oProxyCommand=x", "host;id", 42, "x$(id)"])
def test_one_bad_entry_drops_only_itself_and_keeps_the_original_aside_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, bad: object
) -> None:
    path = tmp_path / "hosts.json"
    text = json.dumps({"schema": HOSTS_SCHEMA, "hosts": [GOOD[0], bad, *GOOD[1:]]})
    path.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="app.fleet.host_list"):
        loaded = load_hosts(path)
    assert loaded.hosts == tuple(GOOD) and loaded.may_save
    [aside] = [p for p in tmp_path.iterdir() if p.name != "hosts.json"]
    assert aside.read_text(encoding="utf-8") == text, "the original is kept as it was"
    assert re.fullmatch(r"hosts\.json\.bad-entries-\d+", aside.name), "it reads: not called unreadable"
    assert json.loads(path.read_text(encoding="utf-8"))["hosts"] == GOOD, "the good entries are written back"
    assert loaded.warning is not None and "\n" not in loaded.warning
    assert aside.name in loaded.warning and "1 entry dropped" in loaded.warning
    assert [r.getMessage() for r in caplog.records] == [loaded.warning]
    again = load_hosts(path)
    assert again.hosts == tuple(GOOD) and again.warning is None
    assert len(list(tmp_path.iterdir())) == 2, "moved aside once, not at every start"


def test_bad_entries_that_cannot_be_moved_aside_leave_the_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "hosts.json"
    text = json.dumps({"schema": HOSTS_SCHEMA, "hosts": ["gpu1", "a;b", "c|d"]})
    path.write_text(text, encoding="utf-8")

    def refuse(_: Path, why: str = "") -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(host_list, "move_aside", refuse)
    loaded = load_hosts(path)
    assert loaded.hosts == ("gpu1",) and not loaded.may_save
    assert loaded.warning is not None and "2 entries dropped" in loaded.warning
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("name", ["host;id", "x$(id)", "a|b", "a`id`", "a&b", "a>b", "a'b"])
def test_the_add_dialogs_check_refuses_shell_metacharacters(name: str) -> None:
    problem = host_name_problem(name)
    assert problem is not None and "\n" not in problem and problem.endswith(".")


@pytest.mark.parametrize("name", ["ssh://alice@gpu1:2222", "fe80::1%eth0", "192.0.2.7", "ops+bob@gpu1"])
def test_the_add_dialog_takes_every_form_of_ssh_destination(name: str) -> None:
    assert host_name_problem(name) is None
