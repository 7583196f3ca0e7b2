"""The result of one test: the verdict in its colour, why, the key numbers with units, and what went wrong.

A metric the test could not measure shows "n/a" with the reason; a simulated run says SIMULATED.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from app.core.units import NA
from app.stress.records import StressResult, ThermalResult
from app.ui.pages.tests.metric_text import label, missing_reason, time_text, value_text
from app.ui.theme import Theme

TEST_NAMES = {
    "gpu": "GPU compute",
    "vram": "VRAM",
    "cpu": "CPU",
    "ram": "RAM",
    "disk": "Disk",
    "thermal": "Cooling test",
}


def verdict_color(verdict: str, theme: Theme) -> str:
    """Green pass, amber warn, red fail; grey for a run that decided nothing (inconclusive, aborted)."""
    return {"pass": theme.ok, "warn": theme.warning, "fail": theme.critical}.get(verdict, theme.muted)


def describe_test(result: StressResult | ThermalResult) -> str:
    """ "Cooling test on gpu0", "Disk on /data" """
    kind = "thermal" if isinstance(result, ThermalResult) else result.kind
    device = result.device or "this machine"
    return f"{TEST_NAMES.get(kind, kind)} on {device}"


class ResultCard(QFrame):
    """The last finished test, or why it could not run."""

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self._theme = theme
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.verdict = QLabel()
        font = self.verdict.font()
        font.setPointSize(max(font.pointSize(), 9) + 6)
        font.setBold(True)
        self.verdict.setFont(font)
        self.heading = QLabel()
        self.problems = QLabel()  # abort reason, errors, a failure to run
        self.reasons = QLabel()
        self.baseline = QLabel()
        self.saved = QLabel()
        for text in (self.heading, self.problems, self.reasons, self.baseline, self.saved):
            text.setWordWrap(True)
        self.metrics = QGridLayout()
        self.metrics.setHorizontalSpacing(16)
        self.metric_values: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        for widget in (self.verdict, self.heading, self.problems, self.reasons):
            layout.addWidget(widget)
        layout.addLayout(self.metrics)
        layout.addWidget(self.baseline)
        layout.addWidget(self.saved)
        layout.addStretch(1)
        self.show_empty()

    def show_empty(self) -> None:
        self._set_verdict("", "")
        self.heading.setText("No test run yet in this window. Choose a test and press Start.")
        for text in (self.problems, self.reasons, self.baseline, self.saved):
            text.clear()
            text.hide()
        self._show_metrics({}, {}, False)

    def show_failure(self, message: str) -> None:
        """The test could not run at all (no GPU, a workload that would not start, a bug)."""
        self._set_verdict("COULD NOT RUN", self._theme.critical)
        self.heading.setText("The test did not run.")
        self._show_text(self.problems, f"<span style='color:{self._theme.critical}'>{escape(message)}</span>")
        for text in (self.reasons, self.baseline, self.saved):
            text.clear()
            text.hide()
        self._show_metrics({}, {}, False)

    def show_result(
        self,
        result: StressResult | ThermalResult,
        saved_to: Path | None = None,
        save_problem: str | None = None,
        cancel_pressed_s: float | None = None,
    ) -> None:
        """The verdict, why, the metrics ("n/a" with the result's own reason), the baseline, where it
        was saved; `cancel_pressed_s`: when the user pressed Cancel, which can be seconds before
        the workload had stopped."""
        simulated = " · <b>SIMULATED</b>" if result.simulated else ""
        self._set_verdict(result.verdict.upper(), verdict_color(result.verdict, self._theme))
        started = escape(time_text(result.started_at))
        self.heading.setText(f"{escape(describe_test(result))} · started {started}{simulated}")
        self._show_text(self.problems, self._problems_html(result, cancel_pressed_s))
        self._show_text(self.reasons, _bullets("Why", result.reasons))
        baseline = result.baseline_comparison if isinstance(result, ThermalResult) else ()
        self._show_text(self.baseline, _bullets("Compared with earlier runs", baseline))
        if saved_to is not None:
            self._show_text(self.saved, f"Saved to {escape(str(saved_to))}")
        else:
            color = self._theme.warning
            self._show_text(
                self.saved, f"<span style='color:{color}'>Not saved: {escape(save_problem or 'unknown')}</span>"
            )
        self._show_metrics(result.metrics, result.details, result.verdict == "aborted")

    def _problems_html(self, result: StressResult | ThermalResult, cancel_pressed_s: float | None) -> str:
        lines = []
        if result.abort_reason:
            lines.append(f"Stopped: {escape(result.abort_reason)}")
        if cancel_pressed_s is not None:
            lines.append(f"Cancel pressed {value_text('elapsed_s', cancel_pressed_s)} into the test")
        if isinstance(result, StressResult):
            color = self._theme.critical if result.errors else self._theme.text
            lines.append(f"<span style='color:{color}'>Errors found: {result.errors}</span>")
            lines.append(f"Load ran {value_text('duration_s', result.duration_s)}")
        return "<br>".join(lines)

    def _set_verdict(self, text: str, color: str) -> None:
        self.verdict.setText(text)
        self.verdict.setStyleSheet(f"color: {color}" if color else "")
        self.verdict.setVisible(bool(text))

    def _show_text(self, widget: QLabel, html: str) -> None:
        widget.setText(html)
        widget.setVisible(bool(html))

    def _show_metrics(self, metrics: Mapping[str, float | None], details: Mapping[str, object], aborted: bool) -> None:
        while self.metrics.count():
            item = self.metrics.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.metric_values = {}
        for row, (key, value) in enumerate(metrics.items()):
            text = value_text(key, value)
            shown = QLabel(text if text != NA else f"{NA} ({missing_reason(key, details, aborted)})")
            shown.setWordWrap(text == NA)  # a value with its unit stays on one line; a reason may wrap
            self.metrics.addWidget(QLabel(label(key)), row, 0)
            self.metrics.addWidget(shown, row, 1)
            self.metric_values[key] = shown
        self.metrics.setColumnStretch(1, 1)


def _bullets(title: str, lines: Sequence[str]) -> str:
    if not lines:
        return ""
    return f"<b>{title}</b><ul style='margin-top:0'>" + "".join(f"<li>{escape(s)}</li>" for s in lines) + "</ul>"
