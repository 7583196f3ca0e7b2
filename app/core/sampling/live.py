"""Bridges the engine's sampler thread to the GUI thread, and records a session on request.

Samples wait in a thread-safe deque that the window drains on its 1 Hz timer: one GUI wakeup a
second instead of one per sample (eight a second with two GPUs), which matters when minimised.
"""

from __future__ import annotations

import collections
import time
from pathlib import Path

from app.core.engine import Engine
from app.core.json_values import to_json_value
from app.core.sampling.sample import Sample
from app.core.sessions.recorder import Recorder


class LiveFeed:
    """Starts the sampler and collects its samples until the GUI thread `take()`s them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._waiting: collections.deque[Sample] = collections.deque()
        self.sampler = engine.sampler()
        self.sampler.subscribe(self._on_sample)
        self.recorder: Recorder | None = None

    def start(self) -> None:
        self.sampler.start()

    def _on_sample(self, sample: Sample) -> None:
        """Runs on the sampler thread: write the sample if recording, and leave it for the GUI."""
        recorder = self.recorder
        if recorder is not None:
            recorder.add_sample(sample)
        self._waiting.append(sample)

    def take(self) -> list[Sample]:
        """Every sample that arrived since the last call, oldest first (GUI thread)."""
        taken = []
        while self._waiting:
            taken.append(self._waiting.popleft())
        return taken

    def start_recording(self, path: Path) -> Recorder:
        """Record from now on into a new session file (raises `UserError` for an unusable path)."""
        metadata = {
            "started_at": time.time(),
            "simulated": self.engine.simulated,
            "interval_s": self.engine.options.interval_s,
            "time_scale": self.engine.options.time_scale,
            "inventory": to_json_value(self.engine.inventory()),
        }
        self.recorder = Recorder(path, metadata)
        return self.recorder

    def stop_recording(self) -> Path | None:
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return None
        recorder.close()
        return recorder.path

    def stop(self) -> None:
        """Stop sampling, close any recording, release the GPU library."""
        self.sampler.stop()
        self.stop_recording()
        self.engine.close()
