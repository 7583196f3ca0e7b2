"""The Hosts page's notice (issue 13, second new-user trial): a warning about the hosts file stays
until the user dismisses it, across opening a host and going back; a passing one goes once it no
longer applies."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from app.fleet.host_list import HOSTS_SCHEMA
from app.ui.pages.hosts.page import HostsPage
from tests.fleet.fake_remote import FakeHosts, example_stream, streaming


def _stream_into(page: HostsPage, hosts: FakeHosts, host: str) -> None:
    header, samples = example_stream()
    hosts.made[host].send_status(streaming(host, header))
    for sample in samples:
        hosts.made[host].send_sample(sample)
    page.tick()


def _file_with_a_bad_entry(tmp_path: Path) -> Path:
    hosts_file = tmp_path / "hosts.json"
    hosts_file.write_text(json.dumps({"schema": HOSTS_SCHEMA, "hosts": ["gpu1", "a;b"]}), encoding="utf-8")
    return hosts_file


def test_the_hosts_file_notice_stays_after_opening_a_host_and_going_back(make_page, qtbot, tmp_path: Path) -> None:
    page, hosts = make_page(_file_with_a_bad_entry(tmp_path))
    said = page.notice.text()
    assert page.notice.isVisible() and "1 entry dropped" in said and "hosts.json.bad-entries-" in said
    _stream_into(page, hosts, "gpu1")
    qtbot.mouseClick(page.overview.rows["gpu1"].open_button, Qt.MouseButton.LeftButton)
    assert page.opened is not None
    assert page.notice.isVisible() and page.notice.text() == said
    qtbot.mouseClick(page.opened.back_button, Qt.MouseButton.LeftButton)
    assert page.opened is None and page.notice.isVisible() and page.notice.text() == said


def test_the_close_button_dismisses_the_notice_for_good(make_page, qtbot, tmp_path: Path) -> None:
    page, hosts = make_page(_file_with_a_bad_entry(tmp_path))
    assert page.notice_close.isVisible()
    qtbot.mouseClick(page.notice_close, Qt.MouseButton.LeftButton)
    assert not page.notice.isVisible() and not page.notice_close.isVisible()
    _stream_into(page, hosts, "gpu1")
    page.open_host("gpu1")
    page.back_to_overview()
    assert not page.notice.isVisible()


def test_a_host_not_ready_to_open_is_said_until_it_opens_then_the_file_notice_is_back(
    make_page, tmp_path: Path
) -> None:
    page, hosts = make_page(_file_with_a_bad_entry(tmp_path))
    file_notice = page.notice.text()
    page.open_host("gpu1")
    assert page.opened is None and "has not sent its GPU list yet" in page.notice.text()
    _stream_into(page, hosts, "gpu1")
    page.open_host("gpu1")
    assert page.opened is not None and page.notice.text() == file_notice


def test_without_a_notice_there_is_no_close_button(make_page) -> None:
    page, _ = make_page()
    assert not page.notice.isVisible() and not page.notice_close.isVisible()
