"""The report's period: the span the history covers, where it came from, and what a reader must
know to read its times: a `--since` longer than the recordings (the period is clipped to them),
and a recording made at `--time-scale` (its times are the simulated clock's, which ran ahead of
the wall clock, so the period can end after the report was made)."""

from __future__ import annotations

from typing import Any

from app.core.clock import iso_utc
from app.report.history import PeriodHistory

_SHORTER_BY_S = 1.0  # a period within a second of the `since` is the `since` (readings come once a second)


def period_document(period: PeriodHistory | None, missing: dict[str, str]) -> dict[str, Any]:
    """{start, end, seconds, source, requested_seconds, time_scale, notes}; nulls with their reasons."""
    if period is None or period.start_s is None or period.end_s is None:
        for key in ("start", "end", "seconds"):
            missing[f"period.{key}"] = "no history in this report"
        return {
            "start": None,
            "end": None,
            "seconds": None,
            "source": period.source if period else None,
            "requested_seconds": period.requested_s if period else None,
            "time_scale": period.time_scale if period else None,
            "notes": [],
        }
    seconds = round(period.end_s - period.start_s, 3)
    return {
        "start": iso_utc(period.start_s),
        "end": iso_utc(period.end_s),
        "seconds": seconds,
        "source": period.source,
        "requested_seconds": period.requested_s,
        "time_scale": period.time_scale,
        "notes": period_notes(period, seconds),
    }


def period_notes(period: PeriodHistory, seconds: float) -> list[str]:
    """What the period's numbers alone would let a reader misread."""
    notes = []
    if period.requested_s is not None and seconds < period.requested_s - _SHORTER_BY_S:
        notes.append(
            f"asked for the last {duration_words(period.requested_s)}; the history covers only "
            f"{duration_words(seconds)} (there are no earlier readings)"
        )
    if period.time_scale > 1.0:
        took = f" in {duration_words(period.real_seconds)} of real time" if period.real_seconds else ""
        notes.append(
            f"recorded at --time-scale {period.time_scale:g}: the times are the simulated clock's, which ran "
            f"{period.time_scale:g} times faster than real time ({duration_words(seconds)} of simulated time "
            f"recorded{took}), so the period can end after this report was made"
        )
    return notes


def duration_words(seconds: float) -> str:
    """ "7 d", "2 h 5 min", "29 min 59 s", "18 s", "0.4 s": the two largest units, whole numbers."""
    if seconds < 10:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    whole = round(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        count, whole = divmod(whole, size)
        if count:
            parts.append(f"{count} {unit}")
    return " ".join(parts[:2])
