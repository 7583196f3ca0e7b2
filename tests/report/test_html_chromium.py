"""The HTML report in a real browser: Debian's headless Chromium opens it from a file, offline.

Proof of "no network request": Chromium runs with its proxy pointed at a dead port (so nothing
can leave the machine) and writes its network log (--log-net-log). Every request a page makes
is a URL_REQUEST whose network isolation key is the page's site, "file://" for a local file;
Chromium's own background traffic (update checks, account lookups) carries another key. A
control page that loads a stylesheet, an image and a CSS background from the web shows that
this count catches a page's requests; the report must make none.

Chromium is a test dependency (.ci/run installs Debian's `chromium`). The screenshot goes to
test-artifacts/report-html.png and the printed PDF to test-artifacts/report-html.pdf, for review.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.report.html import render_html
from tests.report.html_parsing import Page, example

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
# The flags that keep headless Chromium quiet on a closed network (the machine notes of this
# workplace): no sandbox as root, no GPU, no background traffic, a fresh profile per run.
BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",  # the discard port: nothing listens, any request fails at once
    "--proxy-bypass-list=<-loopback>",  # ... loopback included
)
CONTROL_PAGE = """<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.example.test/x.css">
<style>body { background: url(http://bg.example.test/b.png); }</style></head>
<body><h1>control</h1><img src="http://img.example.test/x.png"></body></html>"""


def _chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.fail("Debian's chromium is not installed: `apt-get install chromium` (.ci/run installs it)")
    return found


def _run(page: Path, tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [_chromium(), *BASE_FLAGS, f"--user-data-dir={profile}", *flags, page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def page_requests(net_log: Path) -> list[str]:
    """URLs of the requests made on behalf of a file:// page, from Chromium's network log."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start_job
        and "url" in event.get("params", {})
        and str(event["params"].get("network_isolation_key", "")).startswith("file://")
    ]


def _open_with_net_log(markup: str, tmp_path: Path, name: str) -> tuple[str, list[str]]:
    page = tmp_path / f"{name}.html"
    page.write_text(markup, encoding="utf-8")
    net_log = tmp_path / f"{name}-net.json"
    done = _run(page, tmp_path, f"--log-net-log={net_log}", "--dump-dom")
    return done.stdout, page_requests(net_log)


def test_the_request_check_catches_a_page_that_loads_from_the_web(tmp_path: Path) -> None:
    _, requests = _open_with_net_log(CONTROL_PAGE, tmp_path, "control")
    assert sorted(requests) == [
        "http://bg.example.test/b.png",
        "http://img.example.test/x.png",
        "https://cdn.example.test/x.css",
    ]


def test_report_opens_in_headless_chromium_fully_and_makes_no_network_request(tmp_path: Path) -> None:
    dom, requests = _open_with_net_log(render_html(example()), tmp_path, "report")
    assert requests == []
    page = Page(dom)  # the DOM after Chromium parsed and laid out the file
    assert page.heading_texts("h2") == [
        "Contents",
        "Summary",
        "Machine",
        "GPUs",
        "Software stack",
        "Stress and cooling tests",
        "History",
        "Project plans",
    ]
    assert len(page.all("svg")) == 2 and len(page.all("polyline")) == 2
    assert "System report: workstation-7" in page.flat_text()


def test_report_screenshot_is_captured_for_review(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(example()), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-html.png"
    shot.unlink(missing_ok=True)
    _run(page, tmp_path, "--window-size=1280,6200", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 6200)
    print(f"screenshot: {shot} ({width}x{height}, {len(data)} bytes)")


def test_report_prints_to_a4_pages_with_each_section_on_a_new_page(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(example()), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "report-html.pdf"
    pdf.unlink(missing_ok=True)
    _run(page, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes, "no page in the PDF"
    # A4 is 210 × 297 mm = 595.28 × 841.89 points (1 pt = 1/72 in = 0.3528 mm)
    assert all(abs(float(w) - 595.28) < 1 and abs(float(h) - 841.89) < 1 for w, h in boxes), boxes
    # the contents page, then a new page for each of the seven sections
    assert len(boxes) >= 8
    print(f"printed: {pdf} ({len(boxes)} A4 pages)")
