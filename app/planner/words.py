"""How the planner's numbers read in notes, reasons and the table: small values keep their precision."""

from __future__ import annotations

GB = 10**9


def hours_words(hours: float) -> str:
    """'< 0.1 h', '2.4 h', '1,234 h'."""
    if hours < 0.1:
        return "< 0.1 h"
    return f"{hours:,.1f} h" if hours < 100 else f"{hours:,.0f} h"


def usd_words(amount: float) -> str:
    """'< USD 0.01', 'USD 0.45', 'USD 12.30', 'USD 1,500'."""
    if amount < 0.01:
        return "< USD 0.01"
    return f"USD {amount:,.2f}" if amount < 100 else f"USD {amount:,.0f}"


def count_words(value: float) -> str:
    """Parameters or tokens: plain below a million ('350,000'), then '1.5M', '8.03B', '2T'."""
    if value < 1e6:
        return f"{value:,.0f}"
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if value >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:,.0f}"  # pragma: no cover - every value of a million or more has a suffix


def gb_words(value: float) -> str:
    """Memory in decimal gigabytes, as the hardware catalog states VRAM: '24.0 GB'."""
    return f"{value / GB:.1f} GB"
