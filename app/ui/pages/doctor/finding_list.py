"""The doctor's findings, grouped by status (failures first), each with its detail and a fix to copy.

Groups other than "Passed" are open; the passed checks are folded away but counted in their
heading, so a healthy machine shows one line per kind of problem and "Passed (14)".
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.doctor.records import Finding, Status
from app.ui.pages.doctor.status_style import GROUP_ORDER, LOOKS, status_color
from app.ui.theme import Theme

COPIED_NOTE_MS = 1500


def wrapping_label(text: str, selectable: bool = True) -> QLabel:
    """A plain-text label that wraps to the page's width and whose text can be selected and copied."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FixBox(QFrame):
    """The fix: what to do in words, and the command (monospace) with a Copy button that puts
    exactly the command on the clipboard. A fix without a command has no Copy button: words
    pasted into a terminal would run as a command."""

    def __init__(self, fix: str | None, command: str | None, theme: Theme) -> None:
        super().__init__()
        self.fix, self.fix_command = fix, command
        self.setObjectName("fix_box")
        self.setStyleSheet(
            f"QFrame#fix_box {{ background: {theme.window}; border: 1px solid {theme.muted}; border-radius: 3px; }}"
        )
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 4, 4)
        self.text = wrapping_label(fix or "")
        column.addWidget(self.text)
        if not fix:  # hidden only once in the layout: a parentless widget shown would open as a window
            self.text.hide()
        self.command: QLabel | None = None
        self.copy_button: QPushButton | None = None
        if command:
            self.command = wrapping_label(command)
            self.command.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.copy_button = QPushButton("Copy")
            self.copy_button.setToolTip("Put this command on the clipboard, to paste into a terminal")
            self.copy_button.clicked.connect(self._on_copy_clicked)
            row = QHBoxLayout()
            row.addWidget(self.command, 1)
            row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
            column.addLayout(row)

    @Slot()
    def _on_copy_clicked(self) -> None:
        assert self.fix_command is not None and self.copy_button is not None
        QGuiApplication.clipboard().setText(self.fix_command)
        self.copy_button.setText("Copied")
        button = self.copy_button
        QTimer.singleShot(COPIED_NOTE_MS, self, lambda: button.setText("Copy"))


class FindingCard(QFrame):
    """One finding: its status mark, title, detail (with the numbers) and, where there is one, the fix."""

    def __init__(self, finding: Finding, theme: Theme) -> None:
        super().__init__()
        self.finding = finding
        color = status_color(theme, finding.status)
        self.setObjectName("finding")
        self.setStyleSheet(
            f"QFrame#finding {{ background: {theme.panel}; border-left: 4px solid {color}; border-radius: 2px; }}"
        )
        self.mark = QLabel(LOOKS[finding.status].mark)
        self.mark.setStyleSheet(f"color: {color}; font-size: 16px; font-weight: bold;")
        self.mark.setToolTip(LOOKS[finding.status].word)
        self.title = wrapping_label(finding.title)
        self.title.setStyleSheet("font-weight: bold;")
        self.title.setToolTip(f"check: {finding.key}")
        self.detail = wrapping_label(finding.detail)
        self.fix_box = FixBox(finding.fix, finding.fix_command, theme) if finding.fix or finding.fix_command else None
        column = QVBoxLayout()
        column.setSpacing(4)
        column.addWidget(self.title)
        column.addWidget(self.detail)
        if self.fix_box is not None:
            column.addWidget(self.fix_box)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 8, 8)
        row.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(column, 1)


class StatusGroup(QWidget):
    """The findings of one status under a heading that folds them away and says how many there are."""

    def __init__(self, status: Status, findings: Sequence[Finding], theme: Theme, expanded: bool) -> None:
        super().__init__()
        self.status = status
        look = LOOKS[status]
        self.toggle = QToolButton()
        self.toggle.setText(f"{look.mark} {look.heading} ({len(findings)})")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        # Flat: Fusion draws a checked tool button as pressed, a grey box around an open group's heading.
        self.toggle.setStyleSheet(
            f"QToolButton {{ color: {status_color(theme, status)}; font-weight: bold; font-size: 14px;"
            " border: none; background: transparent; padding: 2px; }"
        )
        self.toggle.setToolTip("Show or hide these findings")
        self.cards = [FindingCard(finding, theme) for finding in findings]
        self.body = QWidget()
        body_layout = QVBoxLayout(self.body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        for card in self.cards:
            body_layout.addWidget(card)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.body)
        self.toggle.toggled.connect(self._on_toggled)
        self.toggle.setChecked(expanded)
        self._on_toggled(expanded)

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()

    @Slot(bool)
    def _on_toggled(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)


class FindingList(QWidget):
    """Every finding of a report, one group per status in `GROUP_ORDER`; empty groups are left out."""

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self._theme = theme
        self.groups: list[StatusGroup] = []
        # What the user opened or closed stays so on a re-run; by default only "Passed" is folded.
        self._expanded: dict[Status, bool] = {status: status != "pass" for status in GROUP_ORDER}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addStretch(1)

    def show_findings(self, findings: Sequence[Finding]) -> None:
        """Replace what is shown with `findings`, grouped by status, each group in the report's order."""
        for group in self.groups:
            self._expanded[group.status] = group.expanded
            self._layout.removeWidget(group)
            group.deleteLater()
        self.groups = []
        for status in GROUP_ORDER:
            of_status = [finding for finding in findings if finding.status == status]
            if of_status:
                group = StatusGroup(status, of_status, self._theme, self._expanded[status])
                self._layout.insertWidget(len(self.groups), group)
                group.show()  # now, not at Qt's next turn: the page is complete when the signal says so
                self.groups.append(group)

    def cards(self) -> list[FindingCard]:
        """Every finding's card, in the order shown (folded groups included)."""
        return [card for group in self.groups for card in group.cards]
