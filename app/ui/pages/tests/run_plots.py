"""The live graphs of one test: temperature, clock, power and throughput against time since its start.

Sensor curves come from the window's history (the session's samples, the same numbers as the
Dashboard); throughput comes from the workload's own status in each `Progress`, while the load
runs (a cooling test's idle and cooldown have none). The cooling test's phases (idle, load,
cooldown) are shaded behind every graph. A graph of something the test does not measure is not
shown (a disk test has no GPU or CPU sensor graph); graphs without a fixed range start at zero, so a
clock steady at 2596 MHz is a flat line, not noise magnified to fill the plot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.gpu.records import GpuInfo
from app.core.sampling.history import RECENT_WINDOW_S, History
from app.core.units import NA
from app.stress.records import PhaseSpan
from app.ui.pages.tests.metric_text import label, value_text
from app.ui.theme import Theme
from app.ui.widgets.time_plot import TOP_HEADROOM

PHASE_ALPHA = 45  # of 255: the shading stays behind the curves
SECONDS_PER_MINUTE = 60.0


@dataclass(frozen=True)
class Watched:
    """What the graphs of one run show: the device's sensor metrics and the workload's throughput keys."""

    temperature: str | None  # history metric names, e.g. "gpu0.temperature_c"
    clock: str | None
    power: str | None
    throughput: tuple[str, ...]  # keys of WorkloadStatus.metrics, all in one unit
    no_power_reason: str = ""
    slowdown_c: float | None = None
    power_limit_w: float | None = None


def watched_for(kind: str, device: str | None, gpus: Sequence[GpuInfo]) -> Watched:
    """The graphs for a test `kind` ("gpu" … "disk", "thermal") on `device` ("gpu0", "cpu", a folder)."""
    throughput = THROUGHPUT.get(kind, ())
    if device is not None and device.startswith("gpu") and device[3:].isdigit():
        index = int(device[3:])
        info = next((g for g in gpus if g.index == index), None)
        p = f"gpu{index}."
        return Watched(
            p + "temperature_c",
            p + "sm_clock_mhz",
            p + "power_w",
            ("tflops",) if kind == "thermal" else throughput,
            slowdown_c=info.temp_slowdown_c if info else None,
            power_limit_w=info.power_enforced_w if info else None,
        )
    if kind == "disk":
        return Watched(None, None, None, throughput)  # the drive's own numbers: its throughput
    cpu_throughput = ("gflops",) if kind == "thermal" else throughput
    return Watched("cpu.temperature_c", "cpu.freq_mhz", None, cpu_throughput, "the CPU's power is not sampled")


THROUGHPUT = {
    "gpu": ("tflops",),
    "vram": ("bytes_tested",),
    "cpu": ("gflops",),
    "ram": ("bytes_tested",),
    "disk": ("seq_write_bytes_per_s", "seq_read_bytes_per_s"),
}


class RunPlot(QWidget):
    """One graph against minutes since the test began, with its newest values in its title."""

    def __init__(self, title: str, theme: Theme, y_range: tuple[float, float] | None, si_unit: str = "") -> None:
        super().__init__()
        self._title, self._theme = title, theme
        self.tag = ""  # " · SIMULATED" for a run on a simulated GPU
        self.title = QLabel(title)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.plot = pg.PlotWidget()
        self.plot.setMinimumHeight(120)
        item = self.plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.getAxis("left").setWidth(52)
        item.getAxis("bottom").setLabel("minutes since the start")
        if si_unit:
            item.getAxis("left").setLabel(units=si_unit)
        if y_range is not None:
            item.setYRange(*y_range, padding=0)
        else:
            item.getViewBox().setLimits(yMin=0)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.regions: list[pg.LinearRegionItem] = []
        self._reference: pg.InfiniteLine | None = None
        self._from_zero = y_range is None  # no fixed range: from zero to a little above the data
        self._top = 0.0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot)

    def set_curves(self, names: Sequence[tuple[str, str]]) -> None:
        """Replace the curves: (key, label) each, in the theme's curve colours."""
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.curves = {}
        for number, (key, _label) in enumerate(names):
            color = self._theme.curves[number % len(self._theme.curves)]
            self.curves[key] = self.plot.plot(pen=pg.mkPen(color, width=1))
        self._labels = dict(names)

    def set_reference(self, value: float | None, tooltip: str) -> None:
        """A dashed line (the slowdown temperature, the power limit); None removes it."""
        if self._reference is not None:
            self.plot.removeItem(self._reference)
            self._reference = None
        if value is not None:
            pen = pg.mkPen(self._theme.reference, width=1, style=pg.QtCore.Qt.PenStyle.DashLine)
            self._reference = pg.InfiniteLine(pos=value, angle=0, pen=pen)
            self._reference.setToolTip(tooltip)
            self.plot.getPlotItem().addItem(self._reference, ignoreBounds=True)
        self._top = 0.0
        self._raise_top(value or 0.0)

    def set_span(self, total_s: float) -> None:
        self.plot.getPlotItem().setXRange(0, max(total_s, 1.0) / SECONDS_PER_MINUTE, padding=0.02)

    def show_data(self, key: str, times_s: np.ndarray, values: np.ndarray) -> None:
        curve = self.curves.get(key)
        if curve is not None:
            curve.setData(times_s / SECONDS_PER_MINUTE, values, connect="finite")
            finite = values[np.isfinite(values)]
            self._raise_top(float(finite.max()) if finite.size else 0.0)

    def _raise_top(self, value: float) -> None:
        """A plot without a fixed range runs from zero to a little above the highest value yet."""
        if not self._from_zero or value <= self._top:
            return
        self._top = value
        self.plot.getPlotItem().setYRange(0.0, value * (1 + TOP_HEADROOM), padding=0)

    def y_range(self) -> tuple[float, float]:
        """The y axis's range now (for tests)."""
        low, high = self.plot.getPlotItem().getViewBox().viewRange()[1]
        return float(low), float(high)

    def data(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The curve's points (minutes, values), for tests and tooltips."""
        x, y = self.curves[key].getData()
        return (np.empty(0), np.empty(0)) if x is None else (np.asarray(x), np.asarray(y))

    def show_title(self, values: Mapping[str, str], note: str = "") -> None:
        colours = dict(zip(self.curves, self._theme.curves, strict=False))
        parts = [
            f"<span style='color:{colours.get(k, self._theme.text)}'>{self._labels.get(k, k)}</span> <b>{v}</b>"
            for k, v in values.items()
        ]
        text = f"{self._title}{self.tag}: " + (" · ".join(parts) if parts else NA)
        self.title.setText(text + (f" <span style='color:{self._theme.muted}'>({note})</span>" if note else ""))

    def shade(self, spans: Sequence[PhaseSpan], colors: Mapping[str, str]) -> None:
        """One shaded region per phase span, behind the curves; the regions already there are moved."""
        while len(self.regions) > len(spans):
            self.plot.removeItem(self.regions.pop())
        for number, span in enumerate(spans):
            minutes = (span.start_s / SECONDS_PER_MINUTE, span.end_s / SECONDS_PER_MINUTE)
            if number < len(self.regions) and self.regions[number].phase == span.phase:
                self.regions[number].setRegion(minutes)
                continue
            if number < len(self.regions):
                self.plot.removeItem(self.regions[number])
            color = QColor(colors.get(span.phase, self._theme.muted))
            color.setAlpha(PHASE_ALPHA)
            region = pg.LinearRegionItem(values=minutes, movable=False, brush=pg.mkBrush(color), pen=pg.mkPen(None))
            region.phase = span.phase
            region.setZValue(-10)
            region.setToolTip(f"{span.phase} phase")
            self.plot.addItem(region, ignoreBounds=True)
            if number < len(self.regions):
                self.regions[number] = region
            else:
                self.regions.append(region)


class RunPlots(QWidget):
    """The four graphs of a run and the phase shading across them."""

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self._theme = theme
        self.phase_colors = {"idle": theme.muted, "load": theme.warning, "cooldown": theme.curves[0]}
        self.temperature = RunPlot("Temperature", theme, (20.0, 110.0))
        self.clock = RunPlot("Clock", theme, None)
        self.power = RunPlot("Power", theme, None)
        self.throughput = RunPlot("Throughput", theme, None)
        self.plots = (self.temperature, self.clock, self.power, self.throughput)
        self.legend = QLabel(
            "Shaded phases: "
            + " · ".join(f"<span style='color:{c}'>■</span> {phase}" for phase, c in self.phase_colors.items())
        )
        self.legend.hide()
        self.watched = Watched(None, None, None, ())
        self._throughput_points: dict[str, list[tuple[float, float]]] = {}
        self._throughput_now: dict[str, float | None] = {}
        self._no_load = ""  # why there is no throughput now, while no load runs
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.legend, 0, 0, 1, 2)
        for number, plot in enumerate(self.plots):
            grid.addWidget(plot, 1 + number // 2, number % 2)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(2, 1)

    def begin(self, watched: Watched, total_s: float, simulated: bool = False) -> None:
        """A new run: empty curves for what it watches, the x axis over its planned length."""
        self.watched = watched
        for plot in self.plots:
            plot.tag = f" <b style='color:{self._theme.simulated}'>SIMULATED</b>" if simulated else ""
        self._throughput_points = {key: [] for key in watched.throughput}
        self._throughput_now = {}
        self._no_load = ""
        top = max(100.0, (watched.slowdown_c or 90.0) + 10.0)
        # Room above the top so its tick label is not cut off (as the Dashboard's plots do).
        self.temperature.plot.getPlotItem().setYRange(20.0, top + TOP_HEADROOM * (top - 20.0), padding=0)
        self.temperature.set_curves([(watched.temperature, "temperature")] if watched.temperature else [])
        self.temperature.set_reference(
            watched.slowdown_c, f"slowdown at {value_text('slowdown_c', watched.slowdown_c)}"
        )
        self.clock.set_curves([(watched.clock, "clock")] if watched.clock else [])
        self.clock.set_reference(None, "")
        self.power.set_curves([(watched.power, "draw")] if watched.power else [])
        self.power.set_reference(watched.power_limit_w, "the enforced power limit")
        self.throughput.set_reference(None, "")
        self.throughput.set_curves([(key, label(key)) for key in watched.throughput])
        if any(key.endswith("_bytes_per_s") for key in watched.throughput):
            self.throughput.plot.getPlotItem().getAxis("left").setLabel(units="B/s")
        elif watched.throughput == ("bytes_tested",):
            self.throughput.plot.getPlotItem().getAxis("left").setLabel(units="B")
        else:
            self.throughput.plot.getPlotItem().getAxis("left").setLabel(
                watched.throughput[0].upper() if watched.throughput else ""
            )
        for plot in self.plots:
            plot.set_span(total_s)
            plot.shade((), self.phase_colors)
            plot.show_title({})
        # a graph of something this test does not measure is left out (the CPU's power is not sampled,
        # but its temperature and clock are, so the power graph stays with its reason)
        self.temperature.setVisible(watched.temperature is not None)
        self.clock.setVisible(watched.clock is not None)
        self.power.setVisible(watched.power is not None or bool(watched.no_power_reason))
        self.throughput.setVisible(bool(watched.throughput))
        self.legend.hide()
        self.power.show_title({}, watched.no_power_reason)

    def show_sensors(self, history: History, start_wall_s: float, end_wall_s: float) -> None:
        """The sensor curves from the history, from the run's start to `end_wall_s`."""
        window_s = max(end_wall_s - start_wall_s, 0.0)
        for plot, metric, fmt_key in (
            (self.temperature, self.watched.temperature, "temperature_c"),
            (self.clock, self.watched.clock, "clock_mhz"),
            (self.power, self.watched.power, "power_w"),
        ):
            if metric is None:
                continue
            # Full rate while the run fits the recent tier; 10 s buckets beyond (a 30-minute test).
            series = history.series(metric, window_s if window_s > RECENT_WINDOW_S else RECENT_WINDOW_S, end_wall_s)
            keep = series.times_s >= start_wall_s
            times, values = series.times_s[keep] - start_wall_s, series.values[keep]
            plot.show_data(metric, times, values)
            newest = float(values[-1]) if values.size and np.isfinite(values[-1]) else None
            note = self.watched.no_power_reason if plot is self.power else ""
            plot.show_title({metric: value_text(fmt_key, newest)}, note if newest is None else "")

    def add_throughput(self, elapsed_s: float, metrics: Mapping[str, float | None]) -> None:
        """Keep one `Progress` worth of the workload's throughput (drawn by `draw_throughput`)."""
        self._no_load = ""
        for key, points in self._throughput_points.items():
            value = metrics.get(key)
            if value is not None:
                points.append((elapsed_s, float(value)))
            self._throughput_now[key] = value

    def no_throughput(self, why: str) -> None:
        """No load runs now (a cooling test's idle or cooldown): no throughput, and the title says why."""
        self._no_load = why
        self._throughput_now = dict.fromkeys(self._throughput_points)

    def draw_throughput(self) -> None:
        for key, points in self._throughput_points.items():
            if points:
                array = np.asarray(points)
                self.throughput.show_data(key, array[:, 0], array[:, 1])
        values = {key: value_text(key, v) for key, v in self._throughput_now.items()}
        self.throughput.show_title({} if self._no_load else values, self._no_load)

    def shade(self, spans: Sequence[PhaseSpan]) -> None:
        self.legend.setVisible(bool(spans))
        for plot in self.plots:
            plot.shade(spans, self.phase_colors)
