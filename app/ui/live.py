"""Bridges the engine's sampler thread to the GUI thread, and records a session on request."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.core.engine import Engine
from app.core.recorder import Recorder, to_json_value
from app.core.sample import Sample


class LiveFeed(QObject):
    """Starts the sampler; each `Sample` arrives on the GUI thread through `sample_ready` (queued)."""

    sample_ready = Signal(object)

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self.sampler = engine.sampler()
        self.sampler.subscribe(self._on_sample)
        self.recorder: Recorder | None = None

    def start(self) -> None:
        self.sampler.start()

    def _on_sample(self, sample: Sample) -> None:
        """Runs on the sampler thread: hand the immutable sample over, and write it if recording."""
        recorder = self.recorder
        if recorder is not None:
            recorder.add_sample(sample)
        self.sample_ready.emit(sample)

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
