"""One GPU: values in large type, clock-event chips, PCIe link, four graphs and its processes."""

from __future__ import annotations

import warnings

import numpy as np
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.core.gpu.clock_reasons import REASONS
from app.core.gpu.records import GpuInfo, GpuProcess, GpuReading, GpuSetReading
from app.core.sampling.alerts import is_near_slowdown
from app.core.sampling.monitor import MonitorState
from app.core.units import NA, celsius, format_bytes, format_bytes_of, format_value, mhz, percent, watts
from app.ui.theme import Theme
from app.ui.widgets.tiles import ReasonChips, ValueTile
from app.ui.widgets.time_plot import TimePlot

# Why a process cell can be n/a (app/core/gpu/processes.py): the records carry no per-process reasons.
PROCESS_NA = (
    "",
    "n/a: the process ended, or it is not visible from here (another container or user)",
    "n/a: the owner is not visible from here (another container, no permission, not in /etc/passwd);"
    " a simulated process has none",
    "n/a: the driver does not report per-process memory here (Windows WDDM)",
    "",
)
BUSY_PERCENT = 50.0  # a link below its maximum is only worth a warning under load


class GpuPanel(QFrame):
    def __init__(self, info: GpuInfo, theme: Theme) -> None:
        super().__init__()
        self.info, self._theme = info, theme
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._processes: tuple[GpuProcess, ...] | None = None
        name = (info.name or NA).replace(" [SIMULATED]", "")
        title = QLabel(f"<b>GPU {info.index}</b> · {name}")
        title.setToolTip(
            f"UUID {info.uuid or NA}\nPCI {info.pci_bus_id or NA}\ncompute capability {info.compute_capability or NA}"
        )
        if info.simulated:
            title.setText(title.text() + f" <span style='color:{theme.simulated}'><b>SIMULATED</b></span>")
        self.tiles = self._tiles()
        self.chips = ReasonChips(theme)
        self.pcie = QLabel()
        self.pcie.setToolTip(
            "PCIe link now and the most this GPU and slot can do. An idle GPU lowers its link to "
            "save power; under load a link below its maximum means a slot, riser or BIOS problem."
        )
        self.plots = self._plots()
        self.table = self._process_table()
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        row = QHBoxLayout()
        for tile in self.tiles.values():
            row.addWidget(tile)
        layout.addLayout(row)
        layout.addWidget(self.chips)
        layout.addWidget(self.pcie)
        grid = QGridLayout()
        for index, plot in enumerate(self.plots):
            grid.addWidget(plot, index // 2, index % 2)
        layout.addLayout(grid)
        layout.addWidget(self.table)

    def _tiles(self) -> dict[str, ValueTile]:
        slowdown = f"slows down at {celsius(self.info.temp_slowdown_c)}"
        return {
            "temperature": ValueTile("Temperature", f"GPU core temperature; the card {slowdown}.", "100 °C"),
            "util": ValueTile("Utilisation", "Share of time a kernel ran on the GPU in the last sample.", "100 %"),
            "power": ValueTile(
                "Power", "Power draw (1 s average on Ampere and newer) and the enforced limit.", "1000 / 1000 W"
            ),
            "vram": ValueTile("VRAM", "GPU memory in use, of the total.", "188.0 / 188.0 GiB"),
            "clock": ValueTile(
                "SM clock", "Streaming-multiprocessor clock; it drops when a clock event holds it down.", "0000 MHz"
            ),
            "fan": ValueTile(
                "Fan", "Fan duty the driver asks for (not a measured speed); n/a for passive cards.", "100 %"
            ),
        }

    def _plots(self) -> list[TimePlot]:
        t, i, gpu = self._theme, self.info, f"gpu{self.info.index}."
        total = float(i.vram_total_bytes or 1)
        use = TimePlot("Use", t, (0, 100), "GPU utilisation and VRAM in use, percent.")
        use.add_curve(gpu + "util_percent", "GPU", percent)
        use.add_curve(gpu + "vram_used_bytes", "VRAM", percent, transform=lambda v: v * (100.0 / total))
        temperature_top = max(100.0, (i.temp_slowdown_c or 90.0) + 10.0)
        temperature = TimePlot("Temperature", t, (20, temperature_top), "GPU temperature; dashed: slowdown threshold.")
        temperature.add_curve(gpu + "temperature_c", "GPU", celsius)
        if i.temp_slowdown_c is not None:
            temperature.add_reference(i.temp_slowdown_c, f"slowdown at {celsius(i.temp_slowdown_c)}")
        power_top = 1.1 * (i.power_max_w or i.power_enforced_w or 300.0)
        power = TimePlot("Power", t, (0, power_top), "Power draw; dashed: the enforced power limit.")
        power.add_curve(gpu + "power_w", "draw", watts)
        if i.power_enforced_w is not None:
            power.add_reference(i.power_enforced_w, f"power limit {watts(i.power_enforced_w)}")
        clocks = TimePlot("Clocks", t, None, "SM and memory clocks, MHz.")
        clocks.add_curve(gpu + "sm_clock_mhz", "SM", mhz)
        clocks.add_curve(gpu + "mem_clock_mhz", "memory", mhz)
        return [use, temperature, power, clocks]

    def _process_table(self) -> QTableWidget:
        table = QTableWidget(0, 5)
        table.setHorizontalHeaderLabels(["PID", "Process", "User", "VRAM", "Type"])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.setWordWrap(False)
        table.setMaximumHeight(110)
        table.setToolTip("Processes holding memory on this GPU (compute: CUDA; graphics: display, games).")
        return table

    def refresh(self, state: MonitorState, end_s: float, window_s: float, at_s: float | None = None) -> None:
        reading = _gpu(state.latest("gpu", at_s), self.info.index)
        for plot in self.plots:
            plot.refresh(state.history, end_s, window_s)
        self._show_values(reading, state.alerts.settings.gpu_near_slowdown_c)
        self.chips.set_shares(
            self._reason_shares(state, end_s, window_s), reading.clock_event_reasons or () if reading else ()
        )
        self._show_link(reading)
        self._show_processes(reading.processes if reading else ())

    def _show_values(self, g: GpuReading | None, near_slowdown_c: float) -> None:
        if g is None or g.lost:
            reason = dict(g.missing).get("all", "GPU lost") if g is not None else "no reading of this GPU yet"
            for tile in self.tiles.values():
                tile.set("LOST" if g is not None else NA, self._theme.critical if g is not None else None, reason)
            return
        why = dict(g.missing)
        hot = is_near_slowdown(g, self.info.temp_slowdown_c, near_slowdown_c)
        self._tile("temperature", celsius(g.temperature_c), why, "temperature_c", self._theme.critical if hot else None)
        self._tile("util", percent(g.util_percent), why, "util_percent")
        self._tile("power", f"{format_value(g.power_w, '')} / {watts(g.power_limit_w)}", why, "power_w")
        self._tile("vram", format_bytes_of(g.vram_used_bytes, g.vram_total_bytes), why, "vram_used_bytes")
        self._tile("clock", mhz(g.sm_clock_mhz), why, "sm_clock_mhz")
        self._tile("fan", percent(g.fan_percent), why, "fan_percent")

    def _tile(self, key: str, text: str, why: dict[str, str], field: str, color: str | None = None) -> None:
        """One tile; where its value is missing, the record's reason for `field` goes in its tooltip."""
        self.tiles[key].set(text, color, why.get(field, "the driver did not report it"))

    def _reason_shares(self, state: MonitorState, end_s: float, window_s: float) -> dict[str, float]:
        shares = {}
        prefix = f"gpu{self.info.index}.clock_event."
        for reason in REASONS:
            values = state.history.series(prefix + reason.name, window_s, end_s).values
            if values.size and not np.isnan(values).all():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    shares[reason.name] = float(np.nanmean(values))
        return shares

    def _show_link(self, g: GpuReading | None) -> None:
        i = self.info
        if g is None or g.pcie_gen is None:
            why = dict(g.missing).get("pcie_gen", "the driver did not report it") if g else "no reading yet"
            self.pcie.setText(f"PCIe: {NA} ({why})")
            return
        text = f"PCIe Gen{g.pcie_gen} ×{g.pcie_width} (max Gen{i.pcie_gen_max} ×{i.pcie_width_max})"
        below = (i.pcie_gen_max and g.pcie_gen < i.pcie_gen_max) or (
            i.pcie_width_max and g.pcie_width and g.pcie_width < i.pcie_width_max
        )
        busy = (g.util_percent or 0.0) >= BUSY_PERCENT
        if below and busy:
            self.pcie.setText(
                f"<span style='color:{self._theme.warning}'><b>⚠ {text}: link below its maximum under load</b></span>"
            )
        else:
            self.pcie.setText(text)

    def _show_processes(self, processes: tuple[GpuProcess, ...]) -> None:
        if processes == self._processes:
            return
        self._processes = processes
        self.table.setRowCount(len(processes))
        for row, p in enumerate(processes):
            cells = [str(p.pid), p.name or NA, p.user or NA, format_bytes(p.vram_used_bytes), p.kind]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if text == NA:
                    item.setToolTip(PROCESS_NA[column])
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()


def _gpu(reading: object, index: int) -> GpuReading | None:
    if not isinstance(reading, GpuSetReading):
        return None
    return next((g for g in reading.gpus if g.index == index), None)
