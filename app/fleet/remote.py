"""Watching one remote host: `ssh -T -o BatchMode=yes HOST aiwm stream`, decoded, reconnected.

PLACEHOLDER (owner: the SSH client developer). The public names and signatures below are the
contract the Hosts page is written against; the owner replaces the bodies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.core.clock import Clock
from app.core.sampling.sample import Sample
from app.fleet.records import HostStatus, StreamAlert

SampleListener = Callable[[Sample], None]
StatusListener = Callable[[HostStatus], None]
AlertListener = Callable[[StreamAlert], None]

# The remote command; `--interval` follows from the watcher's interval.
REMOTE_COMMAND = ("aiwm", "stream")


class RemoteHost:
    """One host watched over SSH, on its own reader thread, reconnecting with back-off.

    `start()` and `stop()` return at once. Listeners are called on the reader thread (the window
    queues what they get and drains it on its timer, as it does for the local LiveSession).
    Samples carry the remote's tick times; after a reconnect the missing interval is a gap.
    """

    def __init__(
        self,
        host: str,
        interval_s: float = 1.0,
        ssh_options: Sequence[str] = (),  # extra `ssh` options, e.g. ("-F", config) in tests
        clock: Clock | None = None,
        remote_command: Sequence[str] = REMOTE_COMMAND,
    ) -> None:
        raise NotImplementedError("app.fleet.remote.RemoteHost: placeholder")

    @property
    def host(self) -> str:
        raise NotImplementedError

    @property
    def status(self) -> HostStatus:
        """The host's state now (also sent to the status listeners on every change)."""
        raise NotImplementedError

    def subscribe(
        self,
        on_sample: SampleListener | None = None,
        on_status: StatusListener | None = None,
        on_alert: AlertListener | None = None,
    ) -> None:
        raise NotImplementedError

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        """Stop watching: ends the ssh process (never leaves one behind) and the reader thread."""
        raise NotImplementedError
