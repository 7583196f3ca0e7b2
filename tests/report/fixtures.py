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


@dataclass(frozen=True)
class GpuReadings:
    """A reading with the metrics a test gives (a counter beside a temperature)."""

    values: dict[str, float | None]

    def metrics(self) -> Metrics:
        return dict(self.values)


def write_session(
    path: Path,
    temperatures: Sequence[float | None],
    start_s: float = T0,
    events: Sequence[tuple[float, str, str]] = (),
    simulated: bool = True,
    gpu_uuid: str | None = None,
    meta: dict[str, object] | None = None,
    counter: Sequence[float | None] = (),
) -> Path:
    """A session with one gpu0.temperature_c reading per second (and gpu0.power_violation_s from
    `counter`, where given), the given events, GPU 0's UUID and any other metadata."""
    gpu = {"index": 0, "name": "Test GPU", "uuid": gpu_uuid, "temp_slowdown_c": 91.0, "temp_shutdown_c": 99.0}
    metadata = {"simulated": simulated, "inventory": {"gpus": [gpu]}, **(meta or {})}
    recorder = Recorder(path, metadata, commit_interval_s=0.05)
    for i, value in enumerate(temperatures):
        reading = (
            GpuReadings({"gpu0.temperature_c": value, "gpu0.power_violation_s": counter[i]})
            if i < len(counter)
            else GpuTemperature(value)
        )
        recorder.add_sample(Sample("gpu", 1.0, start_s + i, 0.0, 0.0, reading))
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
