"""The Reports page's left column: sections, redaction, period, format, the buttons and the status."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.report.records import SECTION_IDS
from app.ui.pages.reports.choices import FORMATS, PERIODS, SECTION_TITLES, ReportChoices, ordered_sections
from app.ui.theme import Theme

WIDTH_PX = 320


class ReportControls(QWidget):
    """The user's choices as widgets; `choices()` reads them; `choices_changed` says one changed."""

    choices_changed = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.setFixedWidth(WIDTH_PX)
        self.section_boxes = {key: QCheckBox(SECTION_TITLES.get(key, key)) for key in SECTION_IDS}
        for box in self.section_boxes.values():
            box.setChecked(True)
        self.redact = QCheckBox("Redact: replace host and user names, paths,\nserials, UUIDs, MAC and IP addresses")
        self.period = QComboBox()
        for label, seconds in PERIODS:
            self.period.addItem(label, seconds)
        self.format = QComboBox()
        for label, key, _ in FORMATS:
            self.format.addItem(label, key)
        self.preview_button = QPushButton("Refresh preview")
        self.save_button = QPushButton("Save…")
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.hide()
        self.status_line = QLabel("")
        self.status_line.setWordWrap(True)
        self.error_line = QLabel("")
        self.error_line.setWordWrap(True)
        self.error_line.setStyleSheet(f"color: {theme.critical}; font-weight: bold;")
        self.error_line.hide()
        self._lay_out()
        for box in (*self.section_boxes.values(), self.redact):
            box.toggled.connect(self.choices_changed)
        for choice in (self.period, self.format):
            choice.currentIndexChanged.connect(self.choices_changed)

    def _lay_out(self) -> None:
        sections = QGroupBox("Sections")
        column = QVBoxLayout(sections)
        for box in self.section_boxes.values():
            column.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addWidget(sections)
        layout.addWidget(self.redact)
        for title, choice in (("History period", self.period), ("Format", self.format)):
            layout.addWidget(QLabel(title))
            layout.addWidget(choice)
        for widget in (
            self.preview_button,
            self.save_button,
            self.open_folder_button,
            self.status_line,
            self.error_line,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)

    def choices(self) -> ReportChoices:
        ticked = [key for key, box in self.section_boxes.items() if box.isChecked()]
        return ReportChoices(
            sections=ordered_sections(ticked),
            redact=self.redact.isChecked(),
            since_s=self.period.currentData(),
            fmt=str(self.format.currentData()),
        )
