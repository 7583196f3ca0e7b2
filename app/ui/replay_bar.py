"""The replay bar: a session file shown read-only with a time slider (the window loads it on a worker)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from app.core.sessions.replay import Replay


class ReplayBar(QWidget):
    """Slider over the session's time span, the time shown, export and back-to-live buttons."""

    moved = Signal(float)  # wall seconds shown

    def __init__(self) -> None:
        super().__init__()
        self.replay: Replay | None = None
        self.label = QLabel()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Time shown from the session (read-only replay). Arrow keys step one second.")
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Write this session's metrics as CSV (Ctrl+E).")
        self.live_button = QPushButton("Back to live")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.export_button)
        layout.addWidget(self.live_button)

    def show_replay(self, replay: Replay) -> None:
        self.replay = replay
        self.slider.setRange(0, max(1, round(replay.end_s - replay.start_s)))
        self.slider.setValue(self.slider.maximum())
        self._on_slider_moved(self.slider.value())

    @property
    def position_s(self) -> float:
        return 0.0 if self.replay is None else self.replay.start_s + self.slider.value()

    @Slot(int)
    def _on_slider_moved(self, value: int) -> None:
        if self.replay is None:
            return
        shown = datetime.fromtimestamp(self.position_s, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        self.label.setText(f"Replay of {self.replay.path.name}: {shown}")
        self.moved.emit(self.position_s)
