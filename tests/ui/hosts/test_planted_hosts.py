"""Tests added after planting bugs in app/ui/pages/hosts/ that the suite let pass."""

from __future__ import annotations

from app.fleet.records import HostProblem, HostStatus
from tests.fleet.fake_remote import example_stream, streaming


def test_a_problem_text_from_the_remote_is_shown_as_text_not_markup(make_page) -> None:
    # ssh's stderr and a remote's output are another machine's words: never markup in the window.
    page, hosts = make_page()
    page.add_host("gpu2")
    problem = HostProblem("bad_stream", "gpu2: <b>Welcome</b> to <img src=x>", "run `ssh gpu2 aiwm stream` & see")
    hosts.made["gpu2"].send_status(HostStatus("gpu2", "retrying", problem=problem, retry_in_s=4.0))
    page.tick()
    text = page.overview.rows["gpu2"].problem.text()
    assert "&lt;b&gt;Welcome&lt;/b&gt; to &lt;img src=x&gt;" in text and "<img" not in text
    assert "&amp; see" in text


def test_the_problem_goes_away_once_the_host_streams_again(make_page) -> None:
    page, hosts = make_page()
    page.add_host("gpu3")
    problem = HostProblem("unreachable", "gpu3: ssh: connect to host gpu3 port 22: Connection refused", "is it on?")
    hosts.made["gpu3"].send_status(HostStatus("gpu3", "retrying", problem=problem, retry_in_s=1.0))
    page.tick()
    row = page.overview.rows["gpu3"]
    assert row.problem.isVisible()
    header, samples = example_stream()
    hosts.made["gpu3"].send_status(streaming("gpu3", header))
    for sample in samples:
        hosts.made["gpu3"].send_sample(sample)
    page.tick()
    assert not row.problem.isVisible(), "a host that streams again shows no old problem"
    assert "streaming from" in row.state.text()
