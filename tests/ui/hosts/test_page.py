"""The Hosts page over fake remote hosts fed from the recorded 2-GPU demo stream.

Expected texts are read off tests/data/fleet/example_stream.jsonl by hand at its last tick:
GPU 0 28.2 degC, 0.7 %, 21.1 W of 450 W, 314572800 B of 25757220864 B (0.29 of 23.99 GiB);
GPU 1 31.5 degC, 60.2 %, 233.2 W of 350 W, 9663676416 B of 25769803776 B (9.0 of 24.0 GiB).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from app.core.gpu.records import GpuSetReading
from app.fleet.records import HostProblem, HostStatus
from app.ui.pages.dashboard.page import DashboardPage
from app.ui.pages.hosts.add_dialog import AddHostDialog
from app.ui.pages.hosts.host_row import HostRow
from app.ui.pages.hosts.page import HostsPage
from tests.fleet.fake_remote import FakeHosts, example_stream, shifted, streaming


def _stream_into(page: HostsPage, hosts: FakeHosts, host: str) -> None:
    """The host connects and sends the recorded stream's three ticks; the page takes them."""
    header, samples = example_stream()
    hosts.made[host].send_status(streaming(host, header))
    for sample in samples:
        hosts.made[host].send_sample(sample)
    page.tick()


def _values(row: HostRow, gpu: int) -> list[str]:
    return [label.text() for label in row.gpu_lines[gpu].row.values.values()]


def test_a_streaming_simulated_host_shows_each_gpu_with_its_readings_and_chips(make_page) -> None:
    page, hosts = make_page()
    page.add_host("demo@gpu1")
    _stream_into(page, hosts, "demo@gpu1")
    row = page.overview.rows["demo@gpu1"]
    assert row.simulated.isVisible() and row.simulated.text().count("SIMULATED") == 1
    assert "streaming from demo-host (aiwm 0.1.0)" in row.state.text()
    assert not row.problem.isVisible() and not row.alerts.isVisible()
    assert len(row.gpu_lines) == 2
    assert "RTX 4090" in row.gpu_lines[0].row.title.text() and "RTX 3090" in row.gpu_lines[1].row.title.text()
    assert _values(row, 0) == ["28 °C", "1 %", "21 / 450 W", "0.3 / 24.0 GiB"]
    assert _values(row, 1) == ["32 °C", "60 %", "233 / 350 W", "9.0 / 24.0 GiB"]
    # GPU 0 idled at all three ticks ("gpu_idle" in the file): the chip says so, as on the dashboard.
    idle = row.gpu_lines[0].chips._chips["gpu_idle"]
    assert idle.isVisible() and idle.text() == "gpu idle 100 %"
    assert row.gpu_lines[1].chips._none.isVisible(), "GPU 1 had no clock event"


def test_a_missing_reading_shows_na_with_its_reason(make_page) -> None:
    page, hosts = make_page()
    page.add_host("gpu1")
    header, samples = example_stream()
    gpu = next(s for s in samples if s.source == "gpu")
    assert isinstance(gpu.reading, GpuSetReading)
    no_power = dataclasses.replace(
        gpu.reading.gpus[0], power_w=None, missing=(("power_w", "not supported by this GPU (GeForce)"),)
    )
    reading = dataclasses.replace(gpu.reading, gpus=(no_power, gpu.reading.gpus[1]))
    hosts.made["gpu1"].send_status(streaming("gpu1", header))
    hosts.made["gpu1"].send_sample(dataclasses.replace(gpu, reading=reading))
    page.tick()
    power = page.overview.rows["gpu1"].gpu_lines[0].row.values["power"]
    assert power.text() == "n/a / 450 W"
    assert power.toolTip() == "n/a: not supported by this GPU (GeForce)"


def test_a_host_not_connected_yet_shows_no_gpus_as_na(make_page) -> None:
    page, _ = make_page()
    page.add_host("gpu1")
    row = page.overview.rows["gpu1"]
    assert "connecting…" in row.state.text()
    assert row.no_gpus.isVisible() and row.no_gpus.text().startswith("GPUs: n/a")
    assert row.gpu_lines == [] and not row.open_button.isEnabled()


def test_a_failed_host_shows_its_problem_and_what_to_do(make_page) -> None:
    page, hosts = make_page()
    page.add_host("alice@gpu2")
    problem = HostProblem("not_installed", "gpu2: bash: line 1: aiwm: command not found", "install aiwm on gpu2")
    hosts.made["alice@gpu2"].send_status(HostStatus("alice@gpu2", "failed", problem=problem))
    page.tick()
    row = page.overview.rows["alice@gpu2"]
    assert row.problem.isVisible()
    assert "aiwm: command not found" in row.problem.text() and "What to do: install aiwm on gpu2" in row.problem.text()
    assert "failed" in row.state.text()


def test_a_retrying_host_counts_down_to_its_next_try(make_page, clock) -> None:
    page, hosts = make_page()
    page.add_host("gpu3")
    problem = HostProblem("unreachable", "ssh: connect to host gpu3 port 22: Connection refused", "is it on?")
    hosts.made["gpu3"].send_status(HostStatus("gpu3", "retrying", problem=problem, retry_in_s=8.0))
    page.tick()
    row = page.overview.rows["gpu3"]
    assert "retrying in 8 s" in row.state.text() and "Connection refused" in row.problem.text()
    clock.now_s += 3.0
    page.tick()
    assert "retrying in 5 s" in row.state.text()


def test_active_alerts_show_in_the_row(make_page) -> None:
    from app.fleet.records import StreamAlert

    page, hosts = make_page()
    page.add_host("gpu1")
    _stream_into(page, hosts, "gpu1")
    hosts.made["gpu1"].send_alert(StreamAlert(1.0, "alert_fired", "GPU 1 is 2 °C below slowdown <hot>"))
    page.tick()
    row = page.overview.rows["gpu1"]
    assert row.alerts.isVisible() and "GPU 1 is 2 °C below slowdown &lt;hot&gt;" in row.alerts.text()


def test_rows_change_only_on_the_pages_one_second_timer(make_page, qtbot) -> None:
    page, hosts = make_page()
    page.add_host("gpu1")
    header, samples = example_stream()
    hosts.made["gpu1"].send_status(streaming("gpu1", header))
    for sample in samples:
        hosts.made["gpu1"].send_sample(sample)
    row = page.overview.rows["gpu1"]
    assert row.gpu_lines == [], "nothing is drawn from the reader's call itself"
    qtbot.waitUntil(lambda: len(row.gpu_lines) == 2, timeout=2500)
    assert _values(row, 0)[0] == "28 °C"


def test_opening_a_host_shows_the_dashboard_fed_by_its_samples_and_back(make_page, qtbot) -> None:
    page, hosts = make_page()
    page.add_host("gpu1")
    _stream_into(page, hosts, "gpu1")
    qtbot.mouseClick(page.overview.rows["gpu1"].open_button, Qt.MouseButton.LeftButton)
    opened = page.opened
    assert opened is not None and page.stack.currentWidget() is opened
    assert isinstance(opened.dashboard, DashboardPage) and len(opened.dashboard.gpu_panels) == 2
    assert opened.simulated_banner.isVisible() and "SIMULATED" in opened.simulated_banner.text()
    tiles = opened.dashboard.gpu_panels[1].tiles
    assert tiles["temperature"].value.text() == "32 °C" and tiles["power"].value.text() == "233 / 350 W"
    # The next tick reaches the opened dashboard on the timer.
    _, samples = example_stream()
    hosts.made["gpu1"].send_sample(shifted(next(s for s in samples if s.source == "gpu"), 3.0))
    page.tick()
    assert opened.dashboard.gpu_panels[1].tiles["temperature"].value.text() == "31 °C"  # 30.6 degC, tick 1
    qtbot.mouseClick(opened.back_button, Qt.MouseButton.LeftButton)
    assert page.opened is None and page.stack.currentWidget() is page.overview


def test_a_host_without_its_gpu_list_yet_is_not_opened(make_page) -> None:
    page, _ = make_page()
    page.add_host("gpu1")
    page.open_host("gpu1")
    assert page.opened is None and page.notice.isVisible() and "has not sent its GPU list yet" in page.notice.text()


def test_hosts_survive_a_restart_and_removing_one_stops_it(make_page, tmp_path: Path) -> None:
    hosts_file = tmp_path / "hosts.json"
    page, hosts = make_page(hosts_file)
    page.add_host("alice@gpu1")
    page.add_host("rack-b")
    page.shutdown()
    assert hosts.made["alice@gpu1"].stopped and hosts.made["rack-b"].stopped
    again, hosts_again = make_page(hosts_file)
    assert list(again.overview.rows) == ["alice@gpu1", "rack-b"]
    assert all(fake.started for fake in hosts_again.made.values())
    again.remove_host("alice@gpu1")
    assert hosts_again.made["alice@gpu1"].stopped
    assert list(again.overview.rows) == ["rack-b"]
    assert json.loads(hosts_file.read_text(encoding="utf-8"))["hosts"] == ["rack-b"]


def test_an_unreadable_hosts_file_is_named_on_the_page(make_page, tmp_path: Path) -> None:
    hosts_file = tmp_path / "hosts.json"
    hosts_file.write_text("[[[", encoding="utf-8")
    page, _ = make_page(hosts_file)
    assert page.notice.isVisible() and "unreadable" in page.notice.text() and "kept as hosts.json" in page.notice.text()
    assert page.overview.empty.isVisible()


def test_the_add_dialog_explains_a_bad_name_and_asks_for_no_password(qtbot) -> None:
    from app.ui.theme import LIGHT

    dialog = AddHostDialog(["gpu1"], LIGHT)
    qtbot.addWidget(dialog)
    fields = dialog.findChildren(QLineEdit)
    assert [f.echoMode() for f in fields] == [QLineEdit.EchoMode.Normal], "one field, and not a password"
    text = " ".join(label.text() for label in dialog.findChildren(type(dialog.error)))
    assert "~/.ssh/config" in text and "ProxyJump" in text and "No password" in text
    ok = next(b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "") == "OK")
    for typed, said in [("-oProxyCommand=sh", "starts with '-'"), ("gpu1", "already on the list")]:
        dialog.name.setText(typed)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        assert dialog.result() == 0 and dialog.error.isVisibleTo(dialog) and said in dialog.error.text()
    dialog.name.setText("  alice@gpu2 ")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == 1 and dialog.host() == "alice@gpu2"


def test_the_add_button_adds_the_host_typed_in_the_dialog(make_page, monkeypatch, tmp_path: Path) -> None:
    page, hosts = make_page()

    def type_and_accept() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AddHostDialog) and w.isVisible())
        dialog.name.setText("bob@gpu9")
        dialog.accept()

    QTimer.singleShot(200, type_and_accept)
    page.add_button.click()
    assert list(page.overview.rows) == ["bob@gpu9"] and hosts.made["bob@gpu9"].started
    assert json.loads((tmp_path / "hosts.json").read_text(encoding="utf-8"))["hosts"] == ["bob@gpu9"]


def test_the_window_lists_the_hosts_page(make_window) -> None:
    window = make_window(demo="rtx4090", start=False)
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert "Hosts" in titles
    window.sidebar.setCurrentRow(titles.index("Hosts"))
    assert isinstance(window.pages.currentWidget(), HostsPage)


def test_the_rows_sparkline_breaks_at_a_reconnect_instead_of_bridging_it(qtbot) -> None:
    import numpy as np
    from PySide6.QtCore import QPointF

    from app.ui.theme import LIGHT
    from app.ui.widgets.sparkline import Sparkline

    line = Sparkline(LIGHT.curves[0], LIGHT.plot_background, 0.0, 100.0)
    qtbot.addWidget(line)
    line.resize(101, 25)  # 100 x 24 px between the first and last pixel
    line.set_values(np.array([0.0, 50.0, np.nan, 100.0, 100.0]))  # the NaN is the gap row of a reconnect
    # 5 values 25 px apart: two runs, (0, 24)-(25, 12) and (75, 0)-(100, 0), nothing drawn across x = 50.
    assert line.segments() == [[QPointF(0, 24), QPointF(25, 12)], [QPointF(75, 0), QPointF(100, 0)]]


def test_a_name_the_ssh_client_refuses_is_reported_on_the_page_and_not_saved(qtbot, tmp_path: Path) -> None:
    from app.fleet.watch import Fleet
    from app.ui.theme import LIGHT

    def refusing(host: str) -> FakeHosts:
        raise ValueError(f"host {host!r} holds a space or a control character: not a host name or alias")

    page = HostsPage(Fleet(refusing), LIGHT, 600.0, tmp_path / "hosts.json")  # type: ignore[arg-type]
    qtbot.addWidget(page)
    try:
        page.add_host("odd")
        assert page.overview.rows == {} and "'odd' cannot be watched: host 'odd' holds a space" in page.notice.text()
        assert not (tmp_path / "hosts.json").exists()
    finally:
        page.shutdown()
