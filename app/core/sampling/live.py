"""One live run of the engine: the sampler, the alerts and an optional recording, as one object.

`aiwm record`, the window (and later the stress tests, the report and the Prometheus exporter)
all use a `LiveSession`, so a session file's metadata and its alert events are written in one
place. Listeners run on the sampler thread and must only append or enqueue; they may subscribe
and unsubscribe at any time, also while the session runs.

At a time scale other than 1 only the simulated GPU sources are sampled: the host's real CPU,
memory, disk and network readings cannot be sped up, and relabelling them onto the simulated
clock would record false times.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from app.core.engine import Engine
from app.core.gpu.sources import GpuSource, PcieThroughputSource
from app.core.json_values import to_json_value
from app.core.sampling.alerts import AlertEngine, AlertEvent
from app.core.sampling.sample import Sample
from app.core.sampling.sampler import Sampler, TickCount
from app.core.sessions.recorder import Recorder
from app.core.settings import AlertSettings
from app.core.sources import Source

log = logging.getLogger(__name__)
T = TypeVar("T")
SampleListener = Callable[[Sample], None]
AlertListener = Callable[[AlertEvent], None]
SIMULATED_ONLY = "simulated only"
ALL_SOURCES = "all"


@dataclass(frozen=True)
class SkippedTicks:
    """Ticks of one source that have no row in a recording (the sampler woke too late for them)."""

    source: str
    skipped: int
    due: int

    @property
    def message(self) -> str:
        return f"{self.source}: {self.skipped} of {self.due} ticks skipped (the sampler could not keep up)"


@dataclass(frozen=True)
class StoppedRecording:
    """A recording that no longer receives samples; `recorder.close()` still has to be called."""

    recorder: Recorder
    elapsed_s: float  # on the engine's clock (simulated seconds at a time scale other than 1)
    skipped: tuple[SkippedTicks, ...]


@dataclass(frozen=True)
class _Recording:
    recorder: Recorder
    started_s: float  # engine clock
    ticks_at_start: dict[str, TickCount]


class LiveSession:
    """Samples the engine's sources, evaluates alerts and records on request, until `stop()`."""

    def __init__(self, engine: Engine, alert_settings: AlertSettings) -> None:
        self.engine = engine
        self.simulated_only = engine.simulated and engine.options.time_scale != 1.0
        self.sampler = Sampler(self._sources(), engine.clock)
        self.alerts = AlertEngine(engine.inventory().gpus, alert_settings)
        self._lock = threading.Lock()
        self._listeners: tuple[SampleListener, ...] = ()  # replaced whole under the lock
        self._alert_listeners: tuple[AlertListener, ...] = ()
        self._recording: _Recording | None = None
        self.sampler.subscribe(self.handle)

    def _sources(self) -> list[Source]:
        sources = self.engine.sources()
        if self.simulated_only:
            return [s for s in sources if isinstance(s, GpuSource | PcieThroughputSource)]
        return sources

    @property
    def sources_label(self) -> str:
        """What is sampled, as the session metadata says it: "all" or "simulated only"."""
        return SIMULATED_ONLY if self.simulated_only else ALL_SOURCES

    @property
    def running(self) -> bool:
        return self.sampler.running

    @property
    def recorder(self) -> Recorder | None:
        recording = self._recording
        return recording.recorder if recording is not None else None

    def subscribe(self, on_sample: SampleListener | None = None, on_alert: AlertListener | None = None) -> None:
        """Call `on_sample` with every sample and `on_alert` with every alert fired or cleared."""
        with self._lock:
            if on_sample is not None:
                self._listeners = (*self._listeners, on_sample)
            if on_alert is not None:
                self._alert_listeners = (*self._alert_listeners, on_alert)

    def unsubscribe(self, on_sample: SampleListener | None = None, on_alert: AlertListener | None = None) -> None:
        """Stop calling these listeners (a call under way on the sampler thread may still finish)."""
        with self._lock:
            self._listeners = tuple(x for x in self._listeners if x != on_sample)
            self._alert_listeners = tuple(x for x in self._alert_listeners if x != on_alert)

    def start(self, duration_s: float | None = None) -> None:
        """Start sampling; with `duration_s` (engine clock), stop after the ticks of that long."""
        self.sampler.start(duration_s)

    def handle(self, sample: Sample) -> None:
        """Take one sample in: record it, evaluate the alerts, tell the listeners.

        The sampler calls this on its thread for every sample; a test may call it directly.
        """
        events = self.alerts.update(sample)
        with self._lock:
            if self._recording is not None:
                self._recording.recorder.add_sample(sample)
                for event in events:
                    self._recording.recorder.add_event(*event.as_session_event())
            listeners, alert_listeners = self._listeners, self._alert_listeners
        for listener in listeners:
            _call(listener, sample)
        for event in events:
            for alert_listener in alert_listeners:
                _call(alert_listener, event)

    def metadata(self) -> dict[str, Any]:
        """The session file's metadata: when, whether simulated, intervals, time scale, sources, inventory."""
        options = self.engine.options
        return {
            "started_at": time.time(),
            "simulated": self.engine.simulated,
            "interval_s": options.interval_s,
            "time_scale": options.time_scale,
            "sources": self.sources_label,
            "inventory": to_json_value(self.engine.inventory()),
        }

    def start_recording(self, path: Path) -> Recorder:
        """Record from now on into a new session file (raises `UserError` for an unusable path)."""
        if self._recording is not None:
            raise RuntimeError("already recording; stop_recording() first")
        recorder = Recorder(path, self.metadata())
        recording = _Recording(recorder, self.engine.clock.monotonic(), self.sampler.tick_counts())
        with self._lock:
            if self._recording is not None:
                recorder.close()
                raise RuntimeError("already recording")
            self._recording = recording
        return recorder

    def stop_recording(self) -> StoppedRecording | None:
        """Stop writing samples and note skipped ticks in the file; the caller closes the recorder.

        Closing joins the recorder's writer thread, so the window does it off the GUI thread.
        """
        with self._lock:
            recording, self._recording = self._recording, None
        if recording is None:
            return None
        now_s = self.engine.clock.monotonic()
        skipped = self._skipped_since(recording.ticks_at_start)
        for item in skipped:
            recording.recorder.add_event(self.engine.clock.to_wall(now_s), "ticks_skipped", item.message)
        elapsed_s = now_s - recording.started_s
        return StoppedRecording(recording.recorder, elapsed_s, skipped)

    def _skipped_since(self, before: dict[str, TickCount]) -> tuple[SkippedTicks, ...]:
        found = []
        for name, count in self.sampler.tick_counts().items():
            ticks = count.since(before.get(name, TickCount(0, 0, 0)))
            if ticks.skipped_late:
                found.append(SkippedTicks(name, ticks.skipped_late, ticks.due))
        return tuple(found)

    def stop(self) -> StoppedRecording | None:
        """Stop sampling, stop and close any recording, release the engine (GPU library)."""
        self.sampler.stop()
        stopped = self.stop_recording()
        if stopped is not None:
            stopped.recorder.close()
        self.engine.close()
        return stopped


def _call(listener: Callable[[T], None], item: T) -> None:
    """One broken listener must not stop the others, the recording or the sampler."""
    try:
        listener(item)
    except Exception:
        log.exception("live session listener failed")
