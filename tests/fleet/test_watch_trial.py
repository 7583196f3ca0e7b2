"""Fleet.retry: the Hosts page's "Retry now" reaches the host's own retry_now (issue 13, new-user trial)."""

from __future__ import annotations

from app.fleet.watch import Fleet
from tests.fleet.fake_remote import FakeHosts


def test_retry_reaches_only_the_host_named() -> None:
    hosts = FakeHosts()
    fleet = Fleet(hosts)
    fleet.add("gpu1")
    fleet.add("gpu2")
    fleet.retry("gpu2")
    assert (hosts.made["gpu1"].retries, hosts.made["gpu2"].retries) == (0, 1)


def test_retry_of_a_host_not_watched_does_nothing() -> None:
    hosts = FakeHosts()
    fleet = Fleet(hosts)
    fleet.add("gpu1")
    fleet.remove("gpu1")
    fleet.retry("gpu1")
    fleet.retry("never-added")
    assert hosts.made["gpu1"].retries == 0
