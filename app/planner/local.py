"""This machine's GPUs as an option: does the work fit on them, how long, and what it costs to run
(electricity × TDP × hours × PUE, plus the purchase amortised over the settings' months).

VRAM has one basis across the plan: the hardware catalog's figure (the vendor's label, in decimal
GB) for every card the catalog knows, here as for rented ones, so that the same card gives the same
answer wherever it is; NVML's total (an RTX 4090 reports 25.8 GB, sold as "24 GB") is used for a
card the catalog lacks or one that reports less than the catalog says, and each option says which.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from app.planner.hardware import GpuSpec
from app.planner.options import (
    HOURS_PER_MONTH,
    Sizing,
    break_even_utilisation,
    gb_text,
    misfit_notes,
    place,
)
from app.planner.records import Option
from app.planner.words import hours_words, usd_words

UNKNOWN_CARD = "a GPU here is not in the hardware catalog: no hours or cost (add it to planner_overrides.json)"


def local_option(sizing: Sizing, local_gpus: Sequence[tuple[str, int]], simulated: bool) -> Option | None:
    """The fewest of this machine's GPUs that hold the work, the fastest of those that can; None without GPUs."""
    if not local_gpus:
        return None
    gpus = sorted(catalog_basis(sizing, local_gpus), key=lambda gpu: -gpu[1])
    label = " (SIMULATED)" if simulated else ""
    for count in range(1, len(gpus) + 1):
        able = [gpu for gpu in gpus if sizing.fits_on(count, gpu[1])]
        if len(able) >= count:
            fastest_first = sorted(able, key=lambda gpu: -_speed(sizing, gpu[0]))
            return _fitting(sizing, local_gpus, fastest_first, count, simulated)
    smallest = gpus[-1][1]
    notes = [f"this machine{label}: {cards_text(gpus)}", *misfit_notes(sizing, smallest, len(gpus))]
    notes.append(_basis_note(sizing, local_gpus))
    return Option("local", cards_text(gpus), len(gpus), smallest, False, None, None, tuple(notes))


def catalog_basis(sizing: Sizing, local_gpus: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Each GPU with the catalog's VRAM where the catalog has the card (or NVML's total, if that is less:
    a card that reports less than its label has less), else the inventory's."""
    out = []
    for name, vram in local_gpus:
        spec = sizing.catalog.gpu(name)
        out.append((name, vram if spec is None else min(vram, spec.vram_bytes)))
    return out


def _basis_note(sizing: Sizing, local_gpus: Sequence[tuple[str, int]]) -> str:
    parts = []
    for name, vram in dict(local_gpus).items():
        spec = sizing.catalog.gpu(name)
        if spec is None:
            parts.append(f"{name}: {gb_text(vram)} as NVML reports it (not in the hardware catalog)")
        else:
            parts.append(f"{name}: {gb_text(spec.vram_bytes)} as the catalog states it (NVML total {gb_text(vram)})")
    return "VRAM per GPU on the catalog's basis, so the same card compares equally here and rented: " + "; ".join(parts)


def cards_text(gpus: Sequence[tuple[str, int]]) -> str:
    """'NVIDIA A100 80GB PCIe + NVIDIA GeForce RTX 4090', or one name for cards all alike ('2 x' is the count's)."""
    names = Counter(name for name, _ in gpus)
    if len(names) == 1:
        return next(iter(names))
    return " + ".join(name if n == 1 else f"{n} x {name}" for name, n in names.items())


def _speed(sizing: Sizing, name: str) -> float:
    """A GPU's dense BF16 (else FP32) peak from the catalog; 0 for a card the catalog lacks."""
    spec = sizing.catalog.gpu(name)
    return 0.0 if spec is None else (spec.bf16_tflops or spec.fp32_tflops or 0.0)


def _fitting(
    sizing: Sizing, local_gpus: Sequence[tuple[str, int]], able: Sequence[tuple[str, int]], count: int, simulated: bool
) -> Option:
    """`count` of the `able` GPUs (fastest first) as the option; `local_gpus` as the inventory gave them."""
    chosen = able[:count]
    label = " (SIMULATED)" if simulated else ""
    specs = [sizing.catalog.gpu(g[0]) for g in chosen]
    known = [spec for spec in specs if spec is not None]
    vram = min(gpu[1] for gpu in chosen)
    basis = _basis_note(sizing, local_gpus)
    if len(known) < count:
        notes = [f"this machine{label}: {', '.join(g[0] for g in chosen)}", *filter(None, [sizing.split_note(count)])]
        notes += [UNKNOWN_CARD, basis]
        return Option("local", cards_text(chosen), count, vram, True, None, None, tuple(notes))
    slowest = min(known, key=lambda spec: spec.bf16_tflops or spec.fp32_tflops)
    # More of this machine's GPUs (as fast and as large as those chosen) or a bigger batch may meet a
    # deadline: `place` tries them in turn.
    counts = [
        n
        for n in range(count, len(able) + 1)
        if min(g[1] for g in able[:n]) >= vram and _speed(sizing, able[n - 1][0]) >= _speed(sizing, slowest.name)
    ]
    placed = place(sizing, slowest, vram, counts)
    if placed is not None and placed.count > count:
        chosen = able[: placed.count]
        known = [spec for spec in (sizing.catalog.gpu(g[0]) for g in chosen) if spec is not None]
    hours = None if placed is None else placed.hours
    notes = [f"this machine{label}: {', '.join(g[0] for g in chosen)}", *([] if placed is None else placed.notes)]
    cost, cost_notes = _running_cost(sizing, known, hours)
    notes += [*cost_notes, basis]
    option = Option("local", cards_text(chosen), len(chosen), vram, True, hours, cost, tuple(notes))
    batch = sizing.request.batch if placed is None else placed.sizing.request.batch
    return replace(
        option, break_even_utilisation=_break_even(sizing, slowest), usd_per_hour=_hourly(sizing, known), batch=batch
    )


def _hourly(sizing: Sizing, specs: Sequence[GpuSpec]) -> float:
    """Electricity for an hour of work, plus an hour's share of the purchase where it is known."""
    s = sizing.catalog.settings
    power = sum(spec.tdp_w for spec in specs) / 1000 * s.pue * s.electricity_usd_per_kwh
    purchase = sum(spec.purchase_usd or 0.0 for spec in specs)
    return power + purchase / (s.amortisation_months * HOURS_PER_MONTH)


def _running_cost(sizing: Sizing, specs: Sequence[GpuSpec], hours: float | None) -> tuple[float | None, list[str]]:
    if hours is None:
        return None, []
    s = sizing.catalog.settings
    power_kw = sum(spec.tdp_w for spec in specs) / 1000
    electricity = power_kw * hours * s.pue * s.electricity_usd_per_kwh
    rate = f"PUE {s.pue:g} x USD {s.electricity_usd_per_kwh:g}/kWh"
    notes = [f"electricity: {power_kw:g} kW x {hours_words(hours)} x {rate} = {usd_words(electricity)}"]
    prices = [spec.purchase_usd for spec in specs]
    if any(price is None for price in prices):
        notes.append("purchase price unknown: cost is electricity only (set purchase_usd in planner_overrides.json)")
        return electricity, notes
    months = sizing.request.months or hours / HOURS_PER_MONTH
    share = min(months, s.amortisation_months) / s.amortisation_months
    purchase = sum(p for p in prices if p is not None)
    period = f"{'< 0.01' if months < 0.01 else f'{months:.2g}'} of {s.amortisation_months:g} months"
    portion = "< 0.1%" if share < 0.001 else f"{share:.1%}"
    notes.append(f"amortised purchase: {portion} of USD {purchase:,.0f} ({period}) = {usd_words(purchase * share)}")
    return electricity + purchase * share, notes


def _break_even(sizing: Sizing, gpu: GpuSpec) -> float | None:
    price = next((p for p in sizing.catalog.rent if sizing.catalog.gpu(p.gpu) == gpu), None)
    if price is None:
        return None
    return break_even_utilisation(sizing.catalog, gpu, (price.low_usd_per_hour + price.high_usd_per_hour) / 2)
