"""Settings files: an unreadable one is moved aside under a name no other backup has, never over a file."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.core import settings as settings_module
from app.core.settings import Settings, load_settings

FROZEN_TIME_S = 1_800_000_000.5  # every move-aside below happens "in the same second"


@pytest.fixture
def same_second(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_module, "time", SimpleNamespace(time=lambda: FROZEN_TIME_S))


def test_two_bad_settings_files_in_the_same_second_keep_both_backups(tmp_path: Path, same_second: None) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ first broken", encoding="utf-8")
    assert load_settings(path) == Settings()
    path.write_text('{"theme": "purple"}', encoding="utf-8")
    assert load_settings(path) == Settings()
    assert not path.exists()
    assert (tmp_path / "settings.json.unreadable-1800000000").read_text(encoding="utf-8") == "{ first broken"
    assert (tmp_path / "settings.json.unreadable-1800000000-2").read_text(encoding="utf-8") == '{"theme": "purple"}'
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "settings.json.unreadable-1800000000",
        "settings.json.unreadable-1800000000-2",
    ]


def test_a_bad_settings_file_never_replaces_a_file_that_has_its_backup_name(
    tmp_path: Path, same_second: None, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.json"
    for name in ("settings.json.unreadable-1800000000", "settings.json.unreadable-1800000000-2"):
        (tmp_path / name).write_text(f"the user's own {name}", encoding="utf-8")
    path.write_text("[not settings]", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="app.core.settings"):
        assert load_settings(path) == Settings()
    for name in ("settings.json.unreadable-1800000000", "settings.json.unreadable-1800000000-2"):
        assert (tmp_path / name).read_text(encoding="utf-8") == f"the user's own {name}"
    assert (tmp_path / "settings.json.unreadable-1800000000-3").read_text(encoding="utf-8") == "[not settings]"
    assert "kept as " + str(tmp_path / "settings.json.unreadable-1800000000-3") in caplog.text


@pytest.mark.parametrize("text", ["[1, 2]", "null", '"dark"'])
def test_settings_that_are_json_but_not_an_object_are_moved_aside(tmp_path: Path, same_second: None, text: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(text, encoding="utf-8")
    assert load_settings(path) == Settings()
    assert (tmp_path / "settings.json.unreadable-1800000000").read_text(encoding="utf-8") == text


def test_without_hard_links_a_bad_file_is_still_moved_aside_and_no_backup_replaced(
    tmp_path: Path, same_second: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_hard_links(source: object, target: object) -> None:  # FAT, some network shares
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(settings_module.os, "link", no_hard_links)
    path = tmp_path / "settings.json"
    (tmp_path / "settings.json.unreadable-1800000000").write_text("earlier backup", encoding="utf-8")
    path.write_text("{ broken", encoding="utf-8")
    assert load_settings(path) == Settings()
    assert (tmp_path / "settings.json.unreadable-1800000000").read_text(encoding="utf-8") == "earlier backup"
    assert (tmp_path / "settings.json.unreadable-1800000000-2").read_text(encoding="utf-8") == "{ broken"
    assert not path.exists()
