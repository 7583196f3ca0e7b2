"""Loading a session file into a `MonitorState` for replay in the dashboard (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import SessionFileError
from app.core.gpu.records import GpuInfo
from app.core.sampling.monitor import MonitorState
from app.core.sampling.sample import Sample
from app.core.sessions.decode import decode, decode_reading
from app.core.sessions.reader import Session
from app.core.settings import AlertSettings


@dataclass(frozen=True)
class Replay:
    path: Path
    meta: dict[str, Any]
    state: MonitorState
    start_s: float
    end_s: float
    events: list[tuple[float, str, str]]

    @property
    def simulated(self) -> bool:
        return bool(self.meta.get("simulated"))


def load_replay(path: Path, alerts: AlertSettings | None = None) -> Replay:
    """Read every sample of a session; raises `SessionFileError` (one line) for a bad file."""
    with Session(path) as session:
        inventory = session.meta.get("inventory") or {}
        gpus = _inventory_gpus(path, inventory)
        state = MonitorState(gpus, alerts or AlertSettings(), keep_timeline=True)
        first = last = None
        for stored in session.samples():
            reading = decode_reading(stored.source, stored.detail)
            state.add(Sample(stored.source, stored.interval_s, stored.tick_wall_s, 0.0, 0.0, reading, stored.error))
            first = stored.tick_wall_s if first is None else first
            last = stored.tick_wall_s
        events = session.events()
        hint = session.missing_wal_hint()
    state.thin_timeline()
    if first is None or last is None:
        raise SessionFileError(f"{path}: the session holds no readings{hint}")
    return Replay(path, session.meta, state, first, last, events)


def _inventory_gpus(path: Path, inventory: Any) -> tuple[GpuInfo, ...]:
    """The GPUs the session's meta lists; a list of the wrong shape is a damaged file."""
    try:
        return tuple(decode(GpuInfo, g) for g in inventory.get("gpus", []))
    except (AttributeError, TypeError, ValueError) as error:
        raise SessionFileError(f"{path}: session file is damaged (inventory GPUs: {error})") from None
