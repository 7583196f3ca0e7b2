"""How each finding status looks on the Doctor page: its mark, its words, its colour and its place.

The marks are text (DejaVu Sans and the Windows UI fonts have all of them), so a status reads the
same in a screenshot, to a screen reader and in a test; the colour only repeats what the mark says.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.doctor.records import Status
from app.ui.theme import Theme


@dataclass(frozen=True)
class StatusLook:
    """One status as shown: mark, the heading of its group, the word in the header."""

    mark: str
    heading: str
    word: str


LOOKS: dict[Status, StatusLook] = {
    "fail": StatusLook("✖", "Failed", "FAIL"),
    "warn": StatusLook("⚠", "Warnings", "WARN"),
    "info": StatusLook("ℹ", "For information", "INFO"),
    "skip": StatusLook("⊘", "Not checked", "SKIP"),
    "pass": StatusLook("✔", "Passed", "PASS"),
}

# Problems first: what needs doing, then what is worth knowing, then what could not be checked;
# the passed checks last (and collapsed), they need no action.
GROUP_ORDER: tuple[Status, ...] = ("fail", "warn", "info", "skip", "pass")


def status_color(theme: Theme, status: Status) -> str:
    """The theme's colour for a status: red fail, amber warn, accent info, muted skip, green pass."""
    colors: dict[Status, str] = {
        "fail": theme.critical,
        "warn": theme.warning,
        "info": theme.curves[0],
        "skip": theme.muted,
        "pass": theme.ok,
    }
    return colors[status]
