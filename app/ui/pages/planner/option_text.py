"""How a plan's numbers read on the Planner page: counts, hours, dollars, and "n/a" with its reason.

Memory is in decimal gigabytes (1 GB = 10^9 bytes) on this page, as the planner's hardware catalog
states VRAM and as the command line prints it, so a card reads the same here and in `aiwm plan`.
"""

from __future__ import annotations

from app.core.units import NA
from app.planner.records import Option, OptionKind

KIND_WORDS: dict[OptionKind, str] = {
    "local": "this machine",
    "rent": "rented GPU server",
    "dedicated": "dedicated server",
    "vps": "VPS (CPU only)",
}
FITS_MARK = {True: "✔ fits", False: "✖ too small"}


GB = 1e9


def format_count(value: float | None) -> str:
    """8.03e9 → '8.03 B', 405e9 → '405 B', 124e6 → '124 M'; plain below a million ('1,500', '1')."""
    if value is None:
        return NA
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(value) >= scale:
            return f"{value / scale:.3g} {suffix}"
    return f"{value:,.0f}"


def format_gb(value: float | None) -> str:
    """Bytes in decimal gigabytes, one decimal: '24.0 GB' (the catalog's and the command line's unit)."""
    return NA if value is None else f"{value / GB:.1f} GB"


def format_hours(hours: float) -> str:
    """'< 0.1 h', '0.4 h', '20.2 h', '1,234 h (51 days)': days too once it is more than two days of running."""
    if hours < 0.1:
        return "< 0.1 h"
    text = f"{hours:,.1f} h" if hours < 100 else f"{hours:,.0f} h"
    return f"{text} ({hours / 24:,.0f} days)" if hours > 48 else text


def format_usd(amount: float) -> str:
    """'< $0.01', '$0.85', '$12', '$1,500': cents only where they matter."""
    if amount < 0.01:
        return "< $0.01"
    return f"${amount:,.2f}" if amount < 10 else f"${amount:,.0f}"


def missing_reason(option: Option) -> str:
    """Why an option has no hours or cost, in the engine's words where it gave them: it does not fit
    (and why), it is not practical, or the engine gave no estimate."""
    said = next((note for note in option.notes if note.startswith(("does not fit", "not practical"))), None)
    if not option.fits:
        return said or "the work does not fit here"
    if option.gpu is None:
        return "CPU only: give the tokens to generate for an estimate"
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


MIXED = " + "  # the engine names a machine of unlike cards 'A + B'


def gpu_text(option: Option) -> str:
    """'H100 × 2'; 'A100 + RTX 4090' for unlike cards (each named); 'H100 × –' where the work does not
    fit (no count would be true); 'CPU only' without a GPU."""
    if option.gpu is None:
        return "CPU only"
    if not option.fits:
        return f"{option.gpu} × –"
    if MIXED in option.gpu:
        return option.gpu
    return f"{option.gpu} × {option.gpu_count}"


def where_text(option: Option) -> str:
    """On what the work runs, in words: 'NVIDIA H100', '2 × NVIDIA H100', 'A100 + RTX 4090', or the
    VPS plan's name."""
    if option.gpu is None:
        return f"{option.notes[0]}, CPU only" if option.notes else "CPU only"
    if option.gpu_count == 1 or MIXED in option.gpu:
        return option.gpu
    return f"{option.gpu_count} × {option.gpu}"


def vram_text(option: Option) -> str:
    if option.vram_bytes_per_gpu is None:
        return f"{NA} (no GPU)" if option.gpu is None else f"{NA} (not known)"
    return format_gb(option.vram_bytes_per_gpu)


def option_label(index: int, option: Option) -> str:
    """'3 rent: H100 SXM × 2': the option's number in the table, where, and on what."""
    return f"{index + 1} {option.kind}: {gpu_text(option)}"
