"""What a dashboard shows, without Qt: the history, the newest record of each source, the alerts.

The live window feeds it from the sampler; a replay feeds it a whole session file. For a replay
the records of each source are kept (thinned to at most `MAX_KEPT` per source, evenly in time),
so the view can show the record in force at any moment of the session.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from app.core.gpu.records import GpuInfo
from app.core.records import Reading
from app.core.sampling.alerts import AlertEngine, AlertEvent
from app.core.sampling.history import History
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings

MAX_KEPT = 20_000


class MonitorState:
    def __init__(self, gpus: Sequence[GpuInfo], alerts: AlertSettings, keep_timeline: bool = False) -> None:
        self.gpus = tuple(gpus)
        self.history = History()
        self.alerts = AlertEngine(gpus, alerts)
        self._latest: dict[str, Reading] = {}
        self._timeline: dict[str, tuple[list[float], list[Reading]]] | None = {} if keep_timeline else None

    def add(self, sample: Sample) -> list[AlertEvent]:
        """Take one sample in; returns the alerts it fired or cleared."""
        if sample.reading is None:
            return []
        self.history.add(sample)
        self._latest[sample.source] = sample.reading
        if self._timeline is not None:
            times, readings = self._timeline.setdefault(sample.source, ([], []))
            times.append(sample.tick_wall_s)
            readings.append(sample.reading)
        return self.alerts.update(sample)

    def thin_timeline(self) -> None:
        """Keep at most MAX_KEPT records per source, evenly spread (after a long replay is loaded)."""
        for source, (times, readings) in list((self._timeline or {}).items()):
            step = max(1, len(times) // MAX_KEPT)
            if step > 1 and self._timeline is not None:
                self._timeline[source] = (times[::step], readings[::step])

    def latest(self, source: str, at_s: float | None = None) -> Reading | None:
        """The newest record of `source`, or the one in force at `at_s` (replay)."""
        if at_s is None or self._timeline is None:
            return self._latest.get(source)
        times, readings = self._timeline.get(source, ([], []))
        index = bisect.bisect_right(times, at_s) - 1
        return readings[index] if index >= 0 else None
