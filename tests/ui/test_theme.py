"""Colours people must be able to read: WCAG contrast of the banners' text in both themes."""

from __future__ import annotations

import re

import pytest

from app.ui.theme import DARK, LIGHT, Theme, contrast_ratio
from app.ui.widgets.tiles import Banner


@pytest.mark.parametrize(
    ("first", "second", "published"),
    [
        ("#000000", "#ffffff", 21.0),  # WCAG 2.x: the largest ratio
        ("#777777", "#ffffff", 4.48),  # WebAIM contrast checker: #777 on white fails AA at 4.48:1
        ("#767676", "#ffffff", 4.54),  # WebAIM: the lightest grey that passes AA on white
        ("#ffffff", "#ffffff", 1.0),
    ],
)
def test_contrast_ratio_matches_published_wcag_values(first: str, second: str, published: float) -> None:
    assert contrast_ratio(first, second) == pytest.approx(published, abs=0.01)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
@pytest.mark.parametrize("role", ["simulated", "critical"])
def test_banner_text_has_at_least_4_5_to_1_contrast(qtbot, theme: Theme, role: str) -> None:
    banner = Banner(getattr(theme, role), "SIMULATED GPUs (--demo): these readings are not real hardware")
    qtbot.addWidget(banner)
    found = re.search(r"background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6})", banner.styleSheet())
    assert found, banner.styleSheet()
    background, text = found.groups()
    assert contrast_ratio(text, background) >= 4.5, f"{theme.name} {role} banner: {text} on {background}"


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_curve_names_in_their_colour_are_readable_on_the_window_and_the_plot(theme: Theme) -> None:
    # A plot's title names each curve in its pen's colour, on the window background.
    for colour in theme.curves:
        for background in (theme.window, theme.plot_background):
            assert contrast_ratio(colour, background) >= 4.5, f"{theme.name}: {colour} on {background}"
