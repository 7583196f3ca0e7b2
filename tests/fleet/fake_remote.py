"""A stand-in for `RemoteHost` (same contract: host, status, subscribe, start, stop, retry_now) driven by the test.

Its records come from `tests/data/fleet/example_stream.jsonl`, a recorded 2-GPU `aiwm stream --demo`,
decoded by the real wire-format reader; the test decides when each status, sample or alert arrives.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from app.core.sampling.sample import Sample
from app.fleet.records import HostProblem, HostStatus, StreamAlert, StreamHeader
from app.fleet.remote import AlertListener, SampleListener, StatusListener
from app.fleet.wire import parse_header, parse_item

EXAMPLE_STREAM = Path(__file__).parents[1] / "data" / "fleet" / "example_stream.jsonl"


def example_stream() -> tuple[StreamHeader, list[Sample]]:
    """The recorded stream's header and its 18 samples (3 ticks, 1 s apart)."""
    lines = EXAMPLE_STREAM.read_text(encoding="utf-8").splitlines()
    items = [parse_item(line) for line in lines[1:]]
    return parse_header(lines[0]), [item for item in items if isinstance(item, Sample)]


def shifted(sample: Sample, seconds: float) -> Sample:
    """The same reading `seconds` later (a later tick of the same stream)."""
    return dataclasses.replace(sample, tick_wall_s=sample.tick_wall_s + seconds)


def streaming(host: str, header: StreamHeader, connects: int = 1) -> HostStatus:
    return HostStatus(host, "streaming", header=header, connects=connects)


def failed(host: str, kind: str, message: str, advice: str) -> HostStatus:
    return HostStatus(host, "failed", problem=HostProblem(kind, message, advice))  # type: ignore[arg-type]


class FakeRemoteHost:
    """Records start/stop; `send_*` calls the listeners as the reader thread would."""

    def __init__(self, host: str, status: HostStatus | None = None) -> None:
        self._host = host
        self._status = status or HostStatus(host, "connecting")
        self.started = self.stopped = False
        self.retries = 0  # retry_now() calls
        self._on_sample: list[SampleListener] = []
        self._on_status: list[StatusListener] = []
        self._on_alert: list[AlertListener] = []

    @property
    def host(self) -> str:
        return self._host

    @property
    def status(self) -> HostStatus:
        return self._status

    def subscribe(
        self,
        on_sample: SampleListener | None = None,
        on_status: StatusListener | None = None,
        on_alert: AlertListener | None = None,
    ) -> None:
        for listeners, listener in ((self._on_sample, on_sample), (self._on_status, on_status)):
            if listener is not None:
                listeners.append(listener)  # type: ignore[arg-type]
        if on_alert is not None:
            self._on_alert.append(on_alert)

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped = True

    def retry_now(self) -> None:
        self.retries += 1

    def send_status(self, status: HostStatus) -> None:
        self._status = status
        for listener in self._on_status:
            listener(status)

    def send_sample(self, sample: Sample) -> None:
        for listener in self._on_sample:
            listener(sample)

    def send_alert(self, alert: StreamAlert) -> None:
        for listener in self._on_alert:
            listener(alert)


class FakeHosts:
    """A host factory for `Fleet` that keeps every fake it made, by name."""

    def __init__(self) -> None:
        self.made: dict[str, FakeRemoteHost] = {}

    def __call__(self, host: str) -> FakeRemoteHost:
        self.made[host] = FakeRemoteHost(host)
        return self.made[host]
