"""The report's period: clipped to the readings with the clipping said, and a time-scaled recording
said so, since its times run ahead of the wall clock (the trial's period ended after the report)."""

from __future__ import annotations

import pytest

from app.report.history import PeriodHistory
from app.report.sections.period import duration_words, period_document
from tests.report.fixtures import T0


def _period(start: float, end: float, **more: object) -> PeriodHistory:
    return PeriodHistory("session s.aiwm", start, end, True, **more)  # type: ignore[arg-type]


def test_a_since_longer_than_the_readings_says_how_much_they_cover() -> None:
    doc = period_document(_period(T0, T0 + 1799, requested_s=7 * 86400.0), {})
    assert (doc["seconds"], doc["requested_seconds"]) == (1799.0, 604800.0)
    assert doc["notes"] == [
        "asked for the last 7 d; the history covers only 29 min 59 s (there are no earlier readings)"
    ]


def test_a_since_the_readings_fill_needs_no_note() -> None:
    doc = period_document(_period(T0, T0 + 120, requested_s=120.0), {})
    assert doc["seconds"] == 120.0 and doc["notes"] == []


def test_a_time_scaled_history_says_its_times_are_the_simulated_clocks() -> None:
    doc = period_document(_period(T0, T0 + 1800, time_scale=100.0, real_seconds=18.0), {})
    assert doc["time_scale"] == 100.0
    (note,) = doc["notes"]
    assert note.startswith("recorded at --time-scale 100: the times are the simulated clock's")
    assert "30 min of simulated time recorded in 18 s of real time" in note
    assert "can end after this report was made" in note


def test_without_a_history_the_period_is_null_with_its_reasons() -> None:
    missing: dict[str, str] = {}
    doc = period_document(None, missing)
    assert (doc["start"], doc["end"], doc["seconds"], doc["notes"]) == (None, None, None, [])
    assert {"period.start", "period.end", "period.seconds"} <= set(missing)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(604800, "7 d"), (1799, "29 min 59 s"), (7500, "2 h 5 min"), (90061, "1 d 1 h"), (18, "18 s"), (0.4, "0.4 s")],
)
def test_durations_in_words(seconds: float, words: str) -> None:
    assert duration_words(seconds) == words
