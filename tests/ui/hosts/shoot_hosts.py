"""Save PNGs of the real window on its Hosts page: the fleet overview with three hosts, and one host opened.

Run by test_screenshots.py under Xvfb as `python -m tests.ui.hosts.shoot_hosts THEME OVERVIEW.png HOST.png`
from the repository root. The window is the program's own `MainWindow`; only `RemoteHost` is
replaced by fakes (there is no ssh in this test). Host A streams a real demo engine's samples
through the wire format (`sample_line` → `parse_item`, as ssh would carry them), drops for 4 s and
reconnects (its graphs show the gap); host B is retrying after "Connection refused"; host C failed
on an unknown host key, with the advice the user needs.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app import __version__
from app.core.engine import Engine, EngineOptions
from app.core.sampling.live import LiveSession
from app.core.sampling.sample import Sample
from app.core.settings import Settings
from app.fleet.host_list import save_hosts
from app.fleet.records import HostProblem, HostStatus
from app.fleet.wire import header_line, parse_header, parse_item, sample_line
from app.ui import theme as themes
from app.ui.launch import save_screenshot
from app.ui.main_window import MainWindow
from app.ui.pages.hosts import entry
from app.ui.pages.hosts.entry import HostsEntry
from tests.fleet.fake_remote import FakeHosts

STREAMING, RETRYING, FAILED = "demo@gpu-a", "bob@gpu-b.example.org", "carol@rack-c"


def _run_events(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)


class DemoOverWire:
    """A demo engine's samples handed to a fake host as ssh would carry them, until `connected` is False."""

    def __init__(self, hosts: FakeHosts, host: str) -> None:
        self.fake, self.host = hosts.made[host], host
        self.live = LiveSession(Engine(EngineOptions(demo="")), Settings().alerts)
        inventory = self.live.engine.inventory()
        self.header = parse_header(header_line("gpu-a", True, 1.0, time.time(), inventory, __version__))
        self.connected = False
        self.live.subscribe(on_sample=self._forward)

    def _forward(self, sample: Sample) -> None:
        if self.connected:
            item = parse_item(sample_line(sample))
            assert isinstance(item, Sample)
            self.fake.send_sample(item)

    def connect(self, connects: int) -> None:
        self.fake.send_status(HostStatus(self.host, "streaming", header=self.header, connects=connects))
        self.connected = True

    def drop(self) -> None:
        self.connected = False
        problem = HostProblem("dropped", f"{self.host}: Connection reset by peer", "retrying on its own")
        self.fake.send_status(HostStatus(self.host, "retrying", problem=problem, retry_in_s=2.0, connects=1))


def _fail_the_others(hosts: FakeHosts) -> None:
    refused = HostProblem(
        "unreachable",
        "ssh: connect to host gpu-b.example.org port 22: Connection refused",
        "check that the server is on and sshd runs: ssh bob@gpu-b.example.org",
    )
    hosts.made[RETRYING].send_status(HostStatus(RETRYING, "retrying", problem=refused, retry_in_s=40.0))
    unknown = HostProblem(
        "host_key_unknown",
        "No ED25519 host key is known for rack-c and you have requested strict checking.",
        "connect once in a terminal to check and accept its key: ssh carol@rack-c",
    )
    hosts.made[FAILED].send_status(HostStatus(FAILED, "failed", problem=unknown))


def main(theme_name: str, overview_png: Path, host_png: Path) -> int:
    os.environ["AIWM_HOME"] = tempfile.mkdtemp(prefix="aiwm-shoot-hosts-")
    save_hosts([STREAMING, RETRYING, FAILED])
    hosts = FakeHosts()
    entry.watch_over_ssh = hosts  # type: ignore[assignment]
    app = QApplication(sys.argv[:1])
    theme = themes.resolve(theme_name)
    themes.apply(app, theme)
    settings = dataclasses.replace(Settings(), window_s=60.0)
    window = MainWindow(LiveSession(Engine(EngineOptions()), settings.alerts), settings, theme)
    window.resize(1920, 1080)
    window.show()
    page = next(p for p in window.page_list if isinstance(p, HostsEntry)).view
    window.sidebar.setCurrentRow(window.page_list.index(next(p for p in window.page_list if p.widget is page)))
    demo = DemoOverWire(hosts, STREAMING)
    demo.live.start()
    demo.connect(connects=1)
    _fail_the_others(hosts)
    _run_events(7.0)
    demo.drop()
    _run_events(4.0)
    demo.connect(connects=2)
    _run_events(6.0)
    page.redraw_all()
    _run_events(0.3)
    problems = [save_screenshot(window, overview_png)]
    page.open_host(STREAMING)
    _run_events(1.5)
    problems.append(save_screenshot(window, host_png))
    demo.live.stop()
    window.shutdown()
    page.shutdown()
    for path, problem in zip((overview_png, host_png), problems, strict=True):
        if problem is not None:
            print(f"could not save {path}: {problem}", file=sys.stderr)
            return 2
        print(f"saved screenshot {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])))
