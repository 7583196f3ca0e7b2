"""The hosts the window watches: one `RemoteHost` each, its records queued until the window takes them.

`RemoteHost` calls its listeners on its own reader thread; they only put records into a bounded
inbox (the oldest go first when it is full, and are counted), so a slow or busy window never
makes the reader wait or memory grow. On the window's timer `Fleet.drain()` moves what arrived
into each host's `MonitorState`, built from the inventory in the stream's header, as the local
dashboard's state is built from the local inventory. No Qt here.

A connection that dropped and came back leaves a hole in the samples; a row of "no value" is put
at the first missing tick, so the graphs (which never join across a missing value) show the gap
instead of a straight line bridging it.
"""

from __future__ import annotations

import collections
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.core.records import Metrics
from app.core.sampling.monitor import MonitorState
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings
from app.fleet.records import HostStatus, StreamAlert, StreamHeader
from app.fleet.remote import AlertListener, SampleListener, StatusListener

# Per host, records the window has not taken yet. A stream of 1 s sends about 6 samples a second
# (gpu, cpu, memory, disks, network, PCIe), so this holds over a minute of a window that was busy.
SAMPLE_QUEUE_LIMIT = 512
ALERT_QUEUE_LIMIT = 64
# A source's next tick later than this many intervals after its last one means ticks are missing (ticks
# are scheduled times, exact multiples of the interval, so half an interval is room enough).
GAP_INTERVALS = 1.5


class WatchedHost(Protocol):
    """What the fleet needs of a host: `RemoteHost`'s contract (tests pass a fake)."""

    @property
    def host(self) -> str: ...

    @property
    def status(self) -> HostStatus: ...

    def subscribe(
        self,
        on_sample: SampleListener | None = None,
        on_status: StatusListener | None = None,
        on_alert: AlertListener | None = None,
    ) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def retry_now(self) -> None:
        """Connect again at once: a "failed" host after the user acted, or skip a back-off wait."""
        ...


HostFactory = Callable[[str], WatchedHost]


class _Inbox:
    """What one host's reader thread handed over since the last drain; bounded, oldest dropped first."""

    def __init__(self, status: HostStatus, sample_limit: int) -> None:
        self._lock = threading.Lock()
        self._samples: collections.deque[Sample] = collections.deque(maxlen=sample_limit)
        self._alerts: collections.deque[StreamAlert] = collections.deque(maxlen=ALERT_QUEUE_LIMIT)
        self._status: HostStatus | None = status
        self._dropped = 0

    def put_sample(self, sample: Sample) -> None:
        with self._lock:
            if len(self._samples) == self._samples.maxlen:
                self._dropped += 1
            self._samples.append(sample)

    def put_alert(self, alert: StreamAlert) -> None:
        with self._lock:
            if len(self._alerts) == self._alerts.maxlen:
                self._dropped += 1
            self._alerts.append(alert)

    def put_status(self, status: HostStatus) -> None:
        with self._lock:
            self._status = status  # only the newest counts: it holds the counters of all before it

    def take(self) -> tuple[HostStatus | None, list[Sample], list[StreamAlert], int]:
        """(newest status if it changed, samples, alerts, dropped since the last take), emptying the inbox."""
        with self._lock:
            taken = (self._status, list(self._samples), list(self._alerts), self._dropped)
            self._samples.clear()
            self._alerts.clear()
            self._status, self._dropped = None, 0
        return taken


@dataclass(frozen=True)
class _GapSample(Sample):
    """A row of missing values at the first missing tick: the line stops there instead of bridging."""

    def metrics(self) -> Metrics:
        return {}


class HostView:
    """One watched host as the window sees it; changed only by `Fleet.drain` on the window's thread."""

    def __init__(self, host: str, status: HostStatus, received_s: float) -> None:
        self.host = host
        self.status = status
        self.status_received_s = received_s  # monotonic time the status was taken (for the countdown)
        self.state: MonitorState | None = None  # from the first header on
        self.header: StreamHeader | None = None
        self.generation = 0  # +1 each time `state` is made anew (another inventory): rebuild its views
        self.active_alerts: dict[str, None] = {}  # messages in the order they fired
        self.dropped_here = 0  # samples and alerts this window dropped because it drained too late
        self.without_header = 0  # samples that came before any header (nothing to place them in)
        self.gaps = 0  # holes in the samples marked so far
        self.changed = False  # since the window last drew this host
        self._last_tick: dict[str, float] = {}
        self._connects = status.connects

    @property
    def simulated(self) -> bool:
        return self.header is not None and self.header.simulated

    def retry_in_s(self, now_s: float) -> float | None:
        """Seconds until the next try, counting down from when the status arrived."""
        if self.status.state != "retrying" or self.status.retry_in_s is None:
            return None
        return max(0.0, self.status.retry_in_s - (now_s - self.status_received_s))

    def take_status(self, status: HostStatus, now_s: float) -> None:
        self.status, self.status_received_s, self.changed = status, now_s, True
        if status.connects != self._connects:
            self._connects = status.connects
            self.active_alerts.clear()  # a new `aiwm stream` starts with no alert active
        header = status.header
        if header is None:
            return
        if self.state is None or self.header is None or header.inventory.gpus != self.header.inventory.gpus:
            # The local window's state is made the same way: its own alert rules off, the remote evaluates them.
            self.state = MonitorState(header.inventory.gpus, AlertSettings(enabled=()))
            self._last_tick.clear()
            self.generation += 1
        self.header = header

    def take_sample(self, sample: Sample) -> None:
        if self.state is None:
            self.without_header += 1
            return
        last = self._last_tick.get(sample.source)
        if last is not None and sample.tick_wall_s <= last:
            return  # a tick already shown (a resent or reordered sample): the history runs forward only
        if last is not None and sample.tick_wall_s - last > GAP_INTERVALS * sample.interval_s:
            gap_at = last + sample.interval_s
            self.state.history.add(_GapSample(sample.source, sample.interval_s, gap_at, 0.0, 0.0, sample.reading))
            self.gaps += 1
        self._last_tick[sample.source] = sample.tick_wall_s
        self.state.add(sample)
        self.changed = True

    def take_alert(self, alert: StreamAlert) -> None:
        if alert.kind == "alert_fired":
            self.active_alerts[alert.message] = None
        elif alert.kind == "alert_cleared":
            self.active_alerts.pop(alert.message, None)
        self.changed = True


class Fleet:
    """The watched hosts in the order they were added; each runs on its own thread until removed."""

    def __init__(
        self,
        make_host: HostFactory,
        sample_queue_limit: int = SAMPLE_QUEUE_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._make_host = make_host
        self._sample_queue_limit = sample_queue_limit
        self._clock = clock
        self._hosts: dict[str, tuple[WatchedHost, _Inbox, HostView]] = {}

    @property
    def views(self) -> list[HostView]:
        return [view for _, _, view in self._hosts.values()]

    def names(self) -> list[str]:
        return list(self._hosts)

    def view(self, host: str) -> HostView:
        return self._hosts[host][2]

    def add(self, host: str) -> HostView:
        """Start watching `host` (returns at once: ssh runs on the host's own thread)."""
        if host in self._hosts:
            return self.view(host)
        remote = self._make_host(host)
        status = remote.status
        inbox = _Inbox(status, self._sample_queue_limit)
        view = HostView(host, status, self._clock())
        self._hosts[host] = (remote, inbox, view)
        remote.subscribe(on_sample=inbox.put_sample, on_status=inbox.put_status, on_alert=inbox.put_alert)
        remote.start()
        return view

    def retry(self, host: str) -> None:
        """Try `host` again now (the user fixed what it failed on, or will not wait for the back-off)."""
        entry = self._hosts.get(host)
        if entry is not None:
            entry[0].retry_now()

    def remove(self, host: str) -> None:
        """Stop watching `host`: its ssh process and thread end, its records are forgotten."""
        entry = self._hosts.pop(host, None)
        if entry is not None:
            entry[0].stop()

    def stop(self) -> None:
        """Stop every host (the window is closing)."""
        for remote, _, _ in self._hosts.values():
            remote.stop()

    def drain(self) -> list[HostView]:
        """Move what every host sent into its view (status first: its header makes the state)."""
        now_s = self._clock()
        changed = []
        for _, inbox, view in self._hosts.values():
            status, samples, alerts, dropped = inbox.take()
            if status is not None:
                view.take_status(status, now_s)
            for sample in samples:
                view.take_sample(sample)
            for alert in alerts:
                view.take_alert(alert)
            view.dropped_here += dropped
            if view.changed or view.retry_in_s(now_s) is not None:
                changed.append(view)
        return changed


def newest_time(view: HostView) -> float | None:
    """The newest tick this host's history holds (the end of its graphs), None before any sample."""
    if view.state is None:
        return None
    end = view.state.history.newest_time()
    return None if end is None or math.isnan(end) else end
