"""Default alerts a GPU user wants, evaluated on every sample; each fires once and clears once.

Rules (thresholds in `AlertSettings`):
* gpu_lost: a GPU fell off the bus;
* gpu_near_slowdown: a GPU within N degC of its slowdown temperature (or margin <= N where the
  driver reports margins);
* gpu_slowdown: thermal or hardware slowdown active (the reasons DCGM counts as faults);
* vram_full: VRAM at or above N % used;
* nvme_hot: an NVMe drive at or above its own warning temperature;
* swap_during_gpu_job: swap in use while a GPU job runs (training slows to a crawl);
* gpu_idle_holding_memory: a GPU at 0-5 % for N minutes while a process holds its memory
  (on a rented server: paying for nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.gpu.clock_reasons import describe
from app.core.gpu.records import GpuInfo, GpuReading, GpuSetReading
from app.core.records import DriveTemperatureReading, MemoryReading
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings

MIB = 2**20
IDLE_UTIL_PERCENT = 5.0  # idle cards with a display attached still show a few percent
BUSY_UTIL_PERCENT = 10.0
# a near-slowdown alert, once fired, holds until the GPU is this much further from the limit: a
# temperature creeping past the threshold reads ±0.2 °C of sensor noise (or NVML's whole degrees)
# and would fire and clear several times in a few seconds
NEAR_SLOWDOWN_CLEAR_C = 1.0


def is_near_slowdown(gpu: GpuReading, slowdown_c: float | None, within_c: float) -> bool:
    """The one "near slowdown" rule, shared by the alert, the dashboard tile and the tray: the
    driver's margin to the limit is at most `within_c` (where it reports margins), or the
    temperature is at or above `slowdown_c - within_c`."""
    if gpu.temp_margin_c is not None and gpu.temp_margin_c <= within_c:
        return True
    return gpu.temperature_c is not None and slowdown_c is not None and gpu.temperature_c >= slowdown_c - within_c


@dataclass(frozen=True)
class Alert:
    rule: str
    subject: str  # "gpu0", "nvme0n1", "host"
    severity: str  # "warning" or "critical"
    message: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.subject)


@dataclass(frozen=True)
class AlertEvent:
    kind: str  # "fired" or "cleared"
    alert: Alert
    wall_s: float

    def as_session_event(self) -> tuple[float, str, str]:
        """(wall time, kind, message) as a session file's `events` table keeps it."""
        return (self.wall_s, f"alert_{self.kind}", self.alert.message)


class AlertEngine:
    """Keeps the set of active alerts and reports changes."""

    def __init__(self, gpus: Sequence[GpuInfo], settings: AlertSettings) -> None:
        self._gpus = {g.index: g for g in gpus}
        self.settings = settings
        self.active: dict[tuple[str, str], Alert] = {}
        self._idle_since: dict[int, float] = {}
        self._memory: MemoryReading | None = None
        self._gpu_job_running = False

    def update(self, sample: Sample) -> list[AlertEvent]:
        """Evaluate the rules that `sample` can change; returns what fired and what cleared."""
        reading = sample.reading
        if isinstance(reading, GpuSetReading):
            found = [a for gpu in reading.gpus for a in self._gpu_alerts(gpu, sample.tick_wall_s)]
            self._gpu_job_running = any(g.util_percent and g.util_percent >= BUSY_UTIL_PERCENT for g in reading.gpus)
            return self._apply("gpu", found + self._swap_alerts(), sample.tick_wall_s, ("swap_during_gpu_job",))
        if isinstance(reading, MemoryReading):
            self._memory = reading
            return self._apply("", self._swap_alerts(), sample.tick_wall_s, ("swap_during_gpu_job",))
        if isinstance(reading, DriveTemperatureReading):
            return self._apply("", self._nvme_alerts(reading), sample.tick_wall_s, ("nvme_hot",))
        return []

    def _apply(self, prefix: str, found: list[Alert], wall_s: float, rules: tuple[str, ...]) -> list[AlertEvent]:
        """Fire new alerts and clear the ones of these subjects/rules that no longer hold."""
        found = [a for a in found if a.rule in self.settings.enabled]
        now = {a.key: a for a in found}
        scope = [k for k in self.active if (prefix and k[1].startswith(prefix)) or k[0] in rules]
        events = [AlertEvent("cleared", self.active.pop(k), wall_s) for k in scope if k not in now]
        for key, alert in now.items():
            if key not in self.active:
                self.active[key] = alert
                events.append(AlertEvent("fired", alert, wall_s))
        return events

    def _gpu_alerts(self, gpu: GpuReading, wall_s: float) -> list[Alert]:
        subject, label = f"gpu{gpu.index}", f"GPU {gpu.index}"
        if gpu.lost:
            return [Alert("gpu_lost", subject, "critical", f"{label} is lost (fell off the bus); reboot needed")]
        alerts = [*self._temperature_alerts(gpu, subject, label), *self._slowdown_alerts(gpu, subject, label)]
        if gpu.vram_used_bytes is not None and gpu.vram_total_bytes:
            used = 100.0 * gpu.vram_used_bytes / gpu.vram_total_bytes
            if used >= self.settings.vram_percent:
                alerts.append(Alert("vram_full", subject, "warning", f"{label} VRAM {used:.0f} % used"))
        alerts += self._idle_alerts(gpu, subject, label, wall_s)
        return alerts

    def _temperature_alerts(self, gpu: GpuReading, subject: str, label: str) -> list[Alert]:
        info, within = self._gpus.get(gpu.index), self.settings.gpu_near_slowdown_c
        slowdown = info.temp_slowdown_c if info else None
        if ("gpu_near_slowdown", subject) in self.active:
            within += NEAR_SLOWDOWN_CLEAR_C
        if not is_near_slowdown(gpu, slowdown, within):
            return []
        if gpu.temp_margin_c is not None and gpu.temp_margin_c <= within:
            message = f"{label} is {gpu.temp_margin_c:.0f} °C from its slowdown limit"
        else:
            message = f"{label} at {gpu.temperature_c:.0f} °C, slowdown at {slowdown:.0f} °C"
        return [Alert("gpu_near_slowdown", subject, "warning", message)]

    def _slowdown_alerts(self, gpu: GpuReading, subject: str, label: str) -> list[Alert]:
        faults = [r for r in gpu.clock_event_reasons or () if (d := describe(r)) is not None and d.is_fault]
        if not faults:
            return []
        return [Alert("gpu_slowdown", subject, "critical", f"{label} clocks cut: {', '.join(faults)}")]

    def _idle_alerts(self, gpu: GpuReading, subject: str, label: str, wall_s: float) -> list[Alert]:
        holding = bool(gpu.processes)
        if not holding or gpu.util_percent is None or gpu.util_percent > IDLE_UTIL_PERCENT:
            self._idle_since.pop(gpu.index, None)
            return []
        since = self._idle_since.setdefault(gpu.index, wall_s)
        minutes = (wall_s - since) / 60.0
        if minutes < self.settings.gpu_idle_minutes:
            return []
        return [
            Alert(
                "gpu_idle_holding_memory",
                subject,
                "warning",
                f"{label} idle for {minutes:.0f} min while {len(gpu.processes)} process(es) hold its memory",
            )
        ]

    def _swap_alerts(self) -> list[Alert]:
        memory = self._memory
        if memory is None or not self._gpu_job_running or memory.swap_used_bytes < self.settings.swap_used_mib * MIB:
            return []
        return [
            Alert(
                "swap_during_gpu_job",
                "host",
                "warning",
                f"{memory.swap_used_bytes / 2**30:.1f} GiB of swap in use while a GPU job runs",
            )
        ]

    def _nvme_alerts(self, reading: DriveTemperatureReading) -> list[Alert]:
        return [
            Alert(
                "nvme_hot", d.name, "warning", f"{d.name} at {d.temperature_c:.0f} °C (warning at {d.warning_c:.0f} °C)"
            )
            for d in reading.drives
            if d.temperature_c is not None and d.warning_c is not None and d.temperature_c >= d.warning_c
        ]
