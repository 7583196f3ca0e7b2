"""Turns cumulative counters (bytes read, bytes sent) into per-second rates between two readings."""

from __future__ import annotations

from collections.abc import Mapping


class RateTracker:
    """Remembers the last counters per name; the first reading of a name has no rate (`None`)."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[float, tuple[float, ...]]] = {}

    def rates(self, now_s: float, counters: Mapping[str, tuple[float, ...]]) -> dict[str, tuple[float | None, ...]]:
        """Per-second rates of each name's counters since the previous call."""
        out: dict[str, tuple[float | None, ...]] = {}
        for name, values in counters.items():
            previous = self._last.get(name)
            self._last[name] = (now_s, values)
            if previous is None or now_s <= previous[0]:
                out[name] = tuple(None for _ in values)
                continue
            elapsed = now_s - previous[0]
            out[name] = tuple(_rate(new, old, elapsed) for new, old in zip(values, previous[1], strict=True))
        return out


def _rate(new: float, old: float, elapsed_s: float) -> float | None:
    """A counter that went backwards was reset (a driver reload): no rate for that interval."""
    return None if new < old else (new - old) / elapsed_s
