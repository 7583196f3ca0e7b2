"""Shared test data for the report: a session file with known readings, a doctor answer, a demo engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.records import Metrics
from app.core.sampling.sample import Sample
from app.core.sessions.recorder import Recorder
from app.doctor.records import DoctorReport, Facts, Finding

T0 = 1_800_000_000.0  # 2027-01-15T08:00:00Z


@dataclass(frozen=True)
class GpuTemperature:
    """A reading with one metric, so a test knows every value the session holds."""

    value: float | None

    def metrics(self) -> Metrics:
        return {"gpu0.temperature_c": self.value}


def write_session(
    path: Path,
    temperatures: Sequence[float | None],
    start_s: float = T0,
    events: Sequence[tuple[float, str, str]] = (),
    simulated: bool = True,
) -> Path:
    """A session with one gpu0.temperature_c reading per second and the given events."""
    inventory = {"gpus": [{"index": 0, "name": "Test GPU", "temp_slowdown_c": 91.0, "temp_shutdown_c": 99.0}]}
    recorder = Recorder(path, {"simulated": simulated, "inventory": inventory}, commit_interval_s=0.05)
    for i, value in enumerate(temperatures):
        recorder.add_sample(Sample("gpu", 1.0, start_s + i, 0.0, 0.0, GpuTemperature(value)))
    for event in events:
        recorder.add_event(*event)
    recorder.close()
    return path


def doctor_report(detail: str = "the venv at /home/ana/.venv has no torch") -> DoctorReport:
    facts = Facts("linux", "570.133.07", (), "12.8", None, (), simulated=True)
    findings = (
        Finding(
            "upkeep.os_updates", "warn", "OS security updates", "12 security update(s) pending", "sudo apt upgrade"
        ),
        Finding("frameworks.none", "info", "No framework", detail, None),
    )
    return DoctorReport("warn", findings, facts)
