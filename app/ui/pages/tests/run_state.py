"""The state of the test under way, without Qt: its phases as progress reports them, its length, its words."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field, replace

from app.stress.records import Phase, PhaseSpan
from app.ui.pages.tests.engine_runner import TestRequest, ThermalRequest


@dataclass
class ActiveRun:
    """The test under way: what it is, when it began on the engine's clock, the phases seen so far."""

    request: TestRequest
    cancel: threading.Event
    start_wall_s: float
    total_s: float
    simulated: bool
    spans: list[PhaseSpan] = field(default_factory=list)
    drawn_at: float = -math.inf  # time.monotonic() when the graphs were last drawn from progress
    cancel_pressed_s: float | None = None  # seconds into the test when the user pressed Cancel


def kind_and_device(request: TestRequest) -> tuple[str, str | None]:
    """("thermal", "gpu0"), ("gpu", "gpu1"), ("disk", "/data"), ("cpu", "cpu"): what the graphs watch."""
    if isinstance(request, ThermalRequest):
        return "thermal", request.plan.device
    if request.gpu_index is not None:
        return request.kind, f"gpu{request.gpu_index}"
    return request.kind, str(request.folder) if request.folder is not None else "cpu"


def planned_length_s(request: TestRequest) -> float:
    """The whole test's planned length: a cooling test is idle + load + cooldown."""
    if isinstance(request, ThermalRequest):
        plan = request.plan
        return plan.idle_s + plan.load_s + plan.cooldown_s
    return request.duration_s


def extend_spans(spans: list[PhaseSpan], phase: Phase, elapsed_s: float) -> None:
    """Grow the current phase's span to `elapsed_s`, or end it there and begin the next phase.

    Progress comes about once a second, so a phase seen here begins up to a second late; the
    result's own `PhaseSpan`s replace these when the test ends.
    """
    if spans and spans[-1].phase == phase:
        spans[-1] = replace(spans[-1], end_s=max(elapsed_s, spans[-1].end_s))
        return
    if spans:
        spans[-1] = replace(spans[-1], end_s=elapsed_s)
    if phase != "done":
        spans.append(PhaseSpan(phase, elapsed_s if spans else 0.0, elapsed_s))


def duration_text(seconds: float) -> str:
    """ "4 min 05 s", "42 s": for the time left on the progress bar."""
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
