"""The saved host list: kept across restarts, never lost when unreadable, and no name ssh would misread."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from app.fleet import host_list
from app.fleet.host_list import HOSTS_SCHEMA, host_name_problem, load_hosts, save_hosts


def test_saved_hosts_load_back_in_the_order_they_were_added(private_home: Path) -> None:
    save_hosts(["gpu1", "alice@10.0.0.5", "rack-a"])
    path = private_home / "hosts.json"
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "schema": "aiwm.hosts/1",
        "hosts": ["gpu1", "alice@10.0.0.5", "rack-a"],
    }
    loaded = load_hosts()
    assert loaded.hosts == ("gpu1", "alice@10.0.0.5", "rack-a") and loaded.warning is None
    assert sorted(p.name for p in private_home.iterdir()) == ["hosts.json"], "no temporary file is left"


def test_no_file_yet_is_an_empty_list_without_a_warning(tmp_path: Path) -> None:
    loaded = load_hosts(tmp_path / "hosts.json")
    assert loaded.hosts == () and loaded.warning is None and loaded.may_save
    assert not (tmp_path / "hosts.json").exists(), "loading writes nothing"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{not json", "Expecting property name"),
        (json.dumps({"schema": "aiwm.hosts/2", "hosts": ["gpu1"]}), "not an aiwm.hosts/1 document"),
        (json.dumps({"schema": HOSTS_SCHEMA, "hosts": "gpu1"}), "'hosts' is not a list of names"),
    ],
)
def test_an_unreadable_file_is_moved_aside_whole_with_a_one_line_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, text: str, why: str
) -> None:
    path = tmp_path / "hosts.json"
    path.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="app.fleet.host_list"):
        loaded = load_hosts(path)
    assert loaded.hosts == () and loaded.may_save
    assert not path.exists()
    [aside] = tmp_path.iterdir()
    assert aside.name.startswith("hosts.json.unreadable-")
    assert aside.read_text(encoding="utf-8") == text, "the user's file is kept as it was"
    assert loaded.warning is not None and "\n" not in loaded.warning
    assert str(path) in loaded.warning and aside.name in loaded.warning and why in loaded.warning
    assert [r.getMessage() for r in caplog.records] == [loaded.warning]


def test_an_unreadable_file_that_cannot_be_moved_aside_is_never_saved_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "hosts.json"
    path.write_text("{broken", encoding="utf-8")

    def refuse(_: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(host_list, "move_aside", refuse)
    with caplog.at_level(logging.WARNING, logger="app.fleet.host_list"):
        loaded = load_hosts(path)
    assert loaded.hosts == () and not loaded.may_save
    assert loaded.warning is not None and "could not be moved aside (Permission denied)" in loaded.warning
    assert path.read_text(encoding="utf-8") == "{broken"


@pytest.mark.parametrize(
    "name",
    ["gpu1", "alice@gpu1.example.org", "root@10.0.0.5", "my-rack_alias.2", "bob@2001:db8::1", "ubuntu@h100-x8"],
)
def test_names_ssh_takes_as_one_host_are_accepted(name: str) -> None:
    assert host_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("", "Enter a host"),
        ("-oProxyCommand=touch /tmp/x", "starts with '-'"),
        ("-p", "starts with '-'"),
        ("alice@gpu1 -v", "contains a space"),
        ("gpu1\tgpu2", "control or invisible character"),
        ("gpu1\n", "control or invisible character"),
        ("gpu\x001", "control or invisible character"),
        ("gpu\x7f", "control or invisible character"),
        ("gpu\u200b1", "control or invisible character"),  # zero-width space (Unicode category Cf)
        ("gpu\u00a01", "contains a space"),  # no-break space
        ("a" * 256, "at most 255"),
        ("@gpu1", "empty user or server"),
        ("alice@", "empty user or server"),
    ],
)
def test_names_that_are_not_one_host_are_refused_in_one_line(name: str, said: str) -> None:
    problem = host_name_problem(name)
    assert problem is not None and said in problem and "\n" not in problem
