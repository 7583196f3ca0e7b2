"""How a plan's numbers read on the Planner page: counts, hours, dollars, and "n/a" with its reason."""

from __future__ import annotations

from app.core.units import NA, format_bytes
from app.planner.records import Option, OptionKind

KIND_WORDS: dict[OptionKind, str] = {
    "local": "this machine",
    "rent": "rented GPU server",
    "dedicated": "dedicated server",
    "vps": "VPS (CPU only)",
}
FITS_MARK = {True: "✔ fits", False: "✖ too small"}


def format_count(value: float | None) -> str:
    """8.03e9 → '8.03 B', 405e9 → '405 B', 124e6 → '124 M': parameters and tokens, 3 significant digits."""
    if value is None:
        return NA
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= scale:
            return f"{value / scale:.3g} {suffix}"
    return f"{value:.3g}"


def format_hours(hours: float) -> str:
    """'0.4 h', '20.2 h', '1,234 h (51 days)': days too once it is more than two days of running."""
    text = f"{hours:,.1f} h" if hours < 100 else f"{hours:,.0f} h"
    return f"{text} ({hours / 24:,.0f} days)" if hours > 48 else text


def format_usd(amount: float) -> str:
    """'$0.85', '$12', '$1,500': cents only where they matter."""
    return f"${amount:,.2f}" if amount < 10 else f"${amount:,.0f}"


def missing_reason(option: Option) -> str:
    """Why an option has no hours or cost: it does not fit, it has no GPU, or the engine gave none."""
    if not option.fits:
        return "the work does not fit here"
    if option.gpu is None:
        return "no GPU: no speed to estimate from"
    return "the planner gave no estimate; see the notes"


def hours_text(option: Option) -> str:
    return (
        format_hours(option.estimated_hours)
        if option.estimated_hours is not None
        else f"{NA} ({missing_reason(option)})"
    )


def cost_text(option: Option) -> str:
    """The cost, or its range where the price is a range (rented GPUs), or n/a with the reason."""
    low, high = option.cost_low_usd, option.cost_high_usd
    if low is not None and high is not None and round(low) != round(high):
        return f"{format_usd(low)} – {format_usd(high)}"
    if option.estimated_cost_usd is not None:
        return format_usd(option.estimated_cost_usd)
    return f"{NA} ({missing_reason(option)})"


def gpu_text(option: Option) -> str:
    return "CPU only" if option.gpu is None else f"{option.gpu} × {option.gpu_count}"


def vram_text(option: Option) -> str:
    if option.vram_bytes_per_gpu is None:
        return f"{NA} (no GPU)" if option.gpu is None else f"{NA} (not known)"
    return format_bytes(option.vram_bytes_per_gpu)


def option_label(index: int, option: Option) -> str:
    """'3 rent: H100 SXM × 2': the option's number in the table, where, and on what."""
    return f"{index + 1} {option.kind}: {gpu_text(option)}"
