"""Fake workloads, a hand-set clock, a fake live session and small inventories for the stress tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from app.core.clock import ScaledClock, SystemClock
from app.core.gpu.records import GpuInfo, NvidiaStatus
from app.core.inventory import CpuInfo, HostInfo, HostInventory, Inventory
from app.core.sampling.sample import Sample
from app.stress.records import WorkloadStatus

GIB = 2**30


class ScriptedWorkload:
    """A workload whose poll() returns `statuses` in turn (the last one repeats) and counts calls."""

    def __init__(
        self,
        statuses: Sequence[WorkloadStatus] = (),
        kind: str = "cpu",
        device: str | None = "cpu",
        start_error: Exception | None = None,
        poll_error_after: int | None = None,
    ) -> None:
        self.kind, self.device = kind, device
        self._statuses = list(statuses) or [WorkloadStatus(running=True, iterations=1)]
        self._start_error, self._poll_error_after = start_error, poll_error_after
        self.starts = self.polls = self.stops = 0

    def start(self) -> None:
        self.starts += 1
        if self._start_error is not None:
            raise self._start_error

    def poll(self) -> WorkloadStatus:
        self.polls += 1
        if self._poll_error_after is not None and self.polls > self._poll_error_after:
            raise RuntimeError("worker pipe closed")
        return self._statuses[min(self.polls - 1, len(self._statuses) - 1)]

    def stop(self) -> WorkloadStatus:
        self.stops += 1
        last = self._statuses[min(max(self.polls - 1, 0), len(self._statuses) - 1)]
        return replace(last, running=False)


@dataclass
class _Options:
    time_scale: float = 1.0


@dataclass
class _Engine:
    clock: SystemClock | ScaledClock
    simulated: bool = False
    options: _Options = field(default_factory=_Options)


class FakeSession:
    """What the runner needs of a LiveSession: subscribe, unsubscribe, the engine's clock; `feed`
    hands a sample to the listeners as the sampler thread would."""

    sources_label = "all"
    simulated_only = False

    def __init__(self, time_scale: float = 1.0, simulated: bool = False) -> None:
        clock = ScaledClock(time_scale) if time_scale != 1.0 else SystemClock()
        self.engine = _Engine(clock, simulated, _Options(time_scale))
        self.listeners: list[Callable[[Sample], None]] = []
        self.ever_subscribed = 0

    def subscribe(self, on_sample: Callable[[Sample], None] | None = None, on_alert: object = None) -> None:
        assert on_sample is not None
        self.listeners.append(on_sample)
        self.ever_subscribed += 1

    def unsubscribe(self, on_sample: Callable[[Sample], None] | None = None, on_alert: object = None) -> None:
        self.listeners = [x for x in self.listeners if x != on_sample]

    def feed(self, sample: Sample) -> None:
        for listener in list(self.listeners):
            listener(sample)

    def feed_later(self, delay_s: float, sample: Sample) -> threading.Timer:
        timer = threading.Timer(delay_s, self.feed, (sample,))
        timer.start()
        return timer


def gpu_info(index: int = 0, slowdown_c: float | None = 96.0, max_operating_c: float | None = 90.0) -> GpuInfo:
    """A GPU with the thresholds a test needs (RTX 4090's: slowdown 96 °C, max operating 90 °C)."""
    return replace(
        GpuInfo.unreadable(index, "test"),
        name="Test GPU",
        pci_bus_id=f"00000000:{index + 1:02X}:00.0",
        temp_slowdown_c=slowdown_c,
        temp_max_operating_c=max_operating_c,
        missing=(),
    )


def inventory(gpus: Sequence[GpuInfo] = (), memory_total_bytes: int = 64 * GIB) -> Inventory:
    host = HostInventory(
        host=HostInfo("test", "Linux", "6.1", "3.12"),
        cpu=CpuInfo("Test CPU", 8, 16, 4000.0),
        memory_total_bytes=memory_total_bytes,
        swap_total_bytes=0,
        disks=(),
        network=(),
        infiniband=(),
    )
    return Inventory(host, NvidiaStatus("ok", "550.54.14", "12.4", "12.550"), tuple(gpus))


def sample_of(reading: object, source: str = "test") -> Sample:
    return Sample(source, 1.0, 0.0, 0.001, 0.001, reading)  # type: ignore[arg-type]
