"""Hosts page findings from a new-user trial (issue 13): Retry now, adding a listed host again, the
row's sparkline label, when a host can be opened, and a remote at a --time-scale."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt

from app.fleet.records import HostProblem, HostStatus
from app.ui.pages.hosts.host_row import HostRow
from app.ui.pages.hosts.page import HostsPage
from tests.fleet.fake_remote import FakeHosts, example_stream, streaming


def _stream_into(page: HostsPage, hosts: FakeHosts, host: str, sources: str | None = None) -> None:
    header, samples = example_stream()
    hosts.made[host].send_status(streaming(host, dataclasses.replace(header, sources=sources)))
    for sample in samples:
        hosts.made[host].send_sample(sample)
    page.tick()


def _fail(page: HostsPage, hosts: FakeHosts, host: str, state: str = "failed") -> HostRow:
    problem = HostProblem("host_key_unknown", f"{host}: Host key verification failed.", f"ssh {host}")
    hosts.made[host].send_status(
        HostStatus(host, state, problem=problem, retry_in_s=57.0 if state == "retrying" else None)
    )  # type: ignore[arg-type]
    page.tick()
    return page.overview.rows[host]


def test_a_failed_host_has_a_retry_now_button_that_retries_it(make_page, qtbot) -> None:
    page, hosts = make_page()
    page.add_host("gpu1")
    row = _fail(page, hosts, "gpu1")
    assert row.retry_button.isVisible() and row.retry_button.text() == "Retry now"
    qtbot.mouseClick(row.retry_button, Qt.MouseButton.LeftButton)
    assert hosts.made["gpu1"].retries == 1


def test_a_retrying_host_can_skip_its_wait_and_a_streaming_one_has_no_retry_button(make_page, qtbot) -> None:
    page, hosts = make_page()
    page.add_host("gpu1")
    row = _fail(page, hosts, "gpu1", "retrying")
    assert "retrying in 57 s" in row.state.text() and row.retry_button.isVisible()
    qtbot.mouseClick(row.retry_button, Qt.MouseButton.LeftButton)
    assert hosts.made["gpu1"].retries == 1
    _stream_into(page, hosts, "gpu1")
    assert not row.retry_button.isVisible()
    page.add_host("gpu2")
    assert not page.overview.rows["gpu2"].retry_button.isVisible(), "connecting: nothing to retry yet"


def test_adding_a_host_already_listed_adds_no_second_row_and_flashes_the_first(make_page) -> None:
    page, hosts = make_page()
    page.add_host("gpu1")
    page.add_host("gpu2")
    first = page.overview.rows["gpu1"]
    rows_before = page.overview.findChildren(HostRow)
    page.add_host("gpu1")
    assert page.overview.findChildren(HostRow) == rows_before and len(rows_before) == 2
    assert page.overview.rows["gpu1"] is first and first.flashing
    assert list(hosts.made) == ["gpu1", "gpu2"] and not hosts.made["gpu1"].stopped


def test_the_rows_sparkline_is_labelled_and_says_what_it_shows(make_page) -> None:
    page, hosts = make_page()
    page.add_host("gpu1")
    _stream_into(page, hosts, "gpu1")
    line = page.overview.rows["gpu1"].gpu_lines[0]
    assert line.sparkline_label.isVisible() and line.sparkline_label.text() == "use, last 60 s:"
    tip = line.row.sparkline.toolTip()
    assert "GPU use" in tip and "60 s" in tip and "0-100 %" in tip
    layout = line.row.layout()
    assert layout.indexOf(line.sparkline_label) == layout.indexOf(line.row.sparkline) - 1


def test_open_dashboard_stays_disabled_with_a_reason_until_the_header_arrived(make_page) -> None:
    page, hosts = make_page()
    page.add_host("gpu1")
    row = page.overview.rows["gpu1"]
    assert not row.open_button.isEnabled() and "Not connected yet" in row.open_button.toolTip()
    _fail(page, hosts, "gpu1")
    assert not row.open_button.isEnabled() and "gpu1 has sent the first line" in row.open_button.toolTip()
    _stream_into(page, hosts, "gpu1")
    assert row.open_button.isEnabled() and "Not connected" not in row.open_button.toolTip()


def test_a_remote_at_a_time_scale_says_its_host_readings_are_left_out(make_page) -> None:
    page, hosts = make_page()
    page.add_host("gpu1")
    _stream_into(page, hosts, "gpu1", sources="simulated only")
    page.open_host("gpu1")
    opened = page.opened
    assert opened is not None
    assert "left out" in opened.simulated_banner.text() and "--time-scale" in opened.simulated_banner.text()
    assert not opened.dashboard.host_panel.isVisibleTo(opened)
    assert "no CPU or memory reading yet" not in " ".join(
        label.text() for label in opened.findChildren(type(opened.title)) if label.isVisibleTo(opened)
    )


def test_a_remote_sampling_everything_shows_its_host_panel(make_page) -> None:
    page, hosts = make_page()
    page.add_host("gpu1")
    _stream_into(page, hosts, "gpu1", sources="all")
    page.open_host("gpu1")
    opened = page.opened
    assert opened is not None and opened.dashboard.host_panel.isVisibleTo(opened)
    assert "left out" not in opened.simulated_banner.text()


def test_a_host_connecting_again_after_a_problem_shows_it_with_retry_now(make_page, qtbot) -> None:
    page, hosts = make_page()
    page.add_host("gpu1")
    problem = HostProblem("bad_stream", "gpu1: no stream header within 30 s", "the host or a login script is slow")
    hosts.made["gpu1"].send_status(HostStatus("gpu1", "connecting", problem=problem))
    page.tick()
    row = page.overview.rows["gpu1"]
    assert row.problem.isVisible() and "no stream header within 30 s" in row.problem.text()
    assert row.retry_button.isVisible()
    qtbot.mouseClick(row.retry_button, Qt.MouseButton.LeftButton)
    assert hosts.made["gpu1"].retries == 1
