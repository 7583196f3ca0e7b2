"""The host: CPU total and per core, RAM and swap, disk throughput with NVMe temperatures, network."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from app.core.inventory import HostInventory
from app.core.records import CpuReading, DriveTemperatureReading, MemoryReading
from app.core.sampling.monitor import MonitorState
from app.core.units import NA, format_bytes, format_rate, format_value, percent
from app.ui.theme import Theme
from app.ui.widgets.core_bars import CoreBars
from app.ui.widgets.time_plot import TimePlot

MAX_DISKS = 4
MAX_NICS = 3
SUMMARY_TOOLTIP = "Now: CPU frequency and temperature, load average, memory and swap in use."
# What each n/a in the summary line stands for, to name it next to the record's reason.
SUMMARY_FIELDS = {"freq_mhz": "CPU frequency", "temperature_c": "CPU temperature", "load_1m": "load average"}


class HostPanel(QFrame):
    def __init__(self, host: HostInventory, theme: Theme) -> None:
        super().__init__()
        self.host, self._theme = host, theme
        self.setFrameShape(QFrame.Shape.StyledPanel)
        cpu = host.cpu
        title = QLabel(
            f"<b>Host</b> · {host.host.hostname} · {cpu.model or 'CPU'} · "
            f"{cpu.physical_cores or NA} cores / {cpu.logical_cores or NA} threads · "
            f"RAM {format_bytes(host.memory_total_bytes)}"
        )
        title.setToolTip(f"{host.host.os}, kernel {host.host.kernel}, Python {host.host.python}")
        self.summary = QLabel()
        self.summary.setToolTip(SUMMARY_TOOLTIP)
        self.cores = CoreBars(theme)
        self.disks_label = QLabel()
        self.disks_label.setToolTip("Per disk: kind, NVMe composite temperature and its warning threshold.")
        self.plots = self._plots()
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        grid = QGridLayout()
        grid.addWidget(self.plots[0], 0, 0)
        cores = QVBoxLayout()
        cores.addWidget(QLabel(f"Per core ({cpu.logical_cores or NA} logical cores, 0-100 %)"))
        cores.addWidget(self.cores)
        grid.addLayout(cores, 1, 0, 1, 2)  # under CPU and memory: 128 cores get cells wide enough for '100%'
        grid.addWidget(self.plots[1], 0, 1)
        grid.addWidget(self.plots[2], 0, 2)
        grid.addWidget(self.disks_label, 1, 2)
        grid.addWidget(self.plots[3], 0, 3)
        layout.addLayout(grid)

    def _plots(self) -> list[TimePlot]:
        t, total = self._theme, float(self.host.memory_total_bytes or 1)
        cpu = TimePlot("CPU", t, (0, 100), "CPU use of all cores together, percent.")
        cpu.add_curve("cpu.util_percent", "all cores", percent)
        memory = TimePlot("Memory", t, (0, 100), "RAM in use (total minus available) and swap in use, percent of RAM.")
        memory.add_curve("mem.used_bytes", "RAM", percent, transform=lambda v: v * (100.0 / total))
        memory.add_curve("mem.swap_used_bytes", "swap", percent, transform=lambda v: v * (100.0 / total))
        disks = TimePlot("Disks", t, None, "Read and write throughput per physical disk.", si_unit="B/s")
        for disk in self.host.disks[:MAX_DISKS]:
            disks.add_curve(f"disk.{disk.name}.read_bytes_per_s", f"{disk.name} read", format_rate)
            disks.add_curve(f"disk.{disk.name}.write_bytes_per_s", f"{disk.name} write", format_rate)
        network = TimePlot("Network", t, None, "Receive and transmit rate per network interface.", si_unit="B/s")
        for nic in [n for n in self.host.network if n.is_up][:MAX_NICS]:
            network.add_curve(f"net.{nic.name}.rx_bytes_per_s", f"{nic.name} rx", format_rate)
            network.add_curve(f"net.{nic.name}.tx_bytes_per_s", f"{nic.name} tx", format_rate)
        return [cpu, memory, disks, network]

    def refresh(self, state: MonitorState, end_s: float, window_s: float, at_s: float | None = None) -> None:
        for plot in self.plots:
            plot.refresh(state.history, end_s, window_s)
        cpu, memory = state.latest("cpu", at_s), state.latest("memory", at_s)
        parts, missing = [], []
        if isinstance(cpu, CpuReading):
            missing = [f"{SUMMARY_FIELDS.get(f, f)} n/a: {why}" for f, why in cpu.missing]
            self.cores.set_values(cpu.per_core_percent)
            why = dict(cpu.missing)
            parts += [
                _with_reason(f"CPU {format_value(cpu.freq_mhz, 'MHz')}", cpu.freq_mhz, why.get("freq_mhz")),
                _with_reason(
                    f"temp {format_value(cpu.temperature_c, '°C')}", cpu.temperature_c, why.get("temperature_c")
                ),
                _with_reason(f"load {format_value(cpu.load_1m, '', 2)}", cpu.load_1m, why.get("load_1m")),
            ]
        if isinstance(memory, MemoryReading):
            parts += [
                f"RAM {format_bytes(memory.used_bytes)} / {format_bytes(memory.total_bytes)}",
                f"swap {format_bytes(memory.swap_used_bytes)} / {format_bytes(memory.swap_total_bytes)}",
            ]
        self.summary.setText(" · ".join(parts) or f"{NA} (no CPU or memory reading yet)")
        tooltip = "\n".join([SUMMARY_TOOLTIP, *missing])
        if self.summary.toolTip() != tooltip:
            self.summary.setToolTip(tooltip)
        self._show_disks(state.latest("nvme_temperature", at_s))

    def _show_disks(self, temperatures: object) -> None:
        temps = {d.name: d for d in temperatures.drives} if isinstance(temperatures, DriveTemperatureReading) else {}
        lines = []
        for disk in self.host.disks[:MAX_DISKS]:
            t = temps.get(disk.name)
            heat = (
                "" if t is None else f", {format_value(t.temperature_c, '°C')} (warn {format_value(t.warning_c, '°C')})"
            )
            lines.append(f"{disk.name}: {disk.kind or '?'} {format_bytes(disk.total_bytes)}{heat}")
        text = "<br>".join(lines) or "no physical disks found"
        if self.disks_label.text() != text:
            self.disks_label.setText(text)


def _with_reason(text: str, value: float | None, why: str | None) -> str:
    """`text`, and for a value that is missing the reason in brackets: an n/a on screen says why."""
    return f"{text} ({why})" if value is None and why else text
