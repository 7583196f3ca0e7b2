"""This machine's GPUs as an option: does the work fit on them, how long, and what it costs to run
(electricity × TDP × hours × PUE, plus the purchase amortised over the settings' months)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.planner.hardware import GpuSpec
from app.planner.options import (
    HOURS_PER_MONTH,
    Sizing,
    break_even_utilisation,
    hours_on,
    misfit_notes,
)
from app.planner.records import Option


def local_option(sizing: Sizing, local_gpus: Sequence[tuple[str, int]], simulated: bool) -> Option | None:
    """The fewest of this machine's GPUs that hold the work, the fastest of those that can; None without GPUs."""
    if not local_gpus:
        return None
    gpus = sorted(local_gpus, key=lambda gpu: -gpu[1])
    label = " (SIMULATED)" if simulated else ""
    for count in range(1, len(gpus) + 1):
        able = [gpu for gpu in gpus if sizing.fits_on(count, gpu[1])]
        if len(able) >= count:
            return _fitting(sizing, sorted(able, key=lambda gpu: -_speed(sizing, gpu[0]))[:count], simulated)
    smallest = gpus[-1][1]
    notes = [f"this machine{label}: {len(gpus)} GPU(s)", *misfit_notes(sizing, smallest, len(gpus))]
    return Option("local", gpus[0][0], len(gpus), smallest, False, None, None, tuple(notes))


def _speed(sizing: Sizing, name: str) -> float:
    """A GPU's dense BF16 (else FP32) peak from the catalog; 0 for a card the catalog lacks."""
    spec = sizing.catalog.gpu(name)
    return 0.0 if spec is None else (spec.bf16_tflops or spec.fp32_tflops or 0.0)


def _fitting(sizing: Sizing, gpus: Sequence[tuple[str, int]], simulated: bool) -> Option:
    count, name, vram = len(gpus), gpus[0][0], min(gpu[1] for gpu in gpus)
    label = " (SIMULATED)" if simulated else ""
    notes = [f"this machine{label}: {', '.join(g[0] for g in gpus)}"]
    notes += filter(None, [sizing.split_note(count)])
    specs = [sizing.catalog.gpu(g[0]) for g in gpus]
    known = [spec for spec in specs if spec is not None]
    if len(known) < count:
        notes.append("a GPU here is not in the hardware catalog: no hours or cost (add it to planner_overrides.json)")
        return Option("local", name, count, vram, True, None, None, tuple(notes))
    slowest = min(known, key=lambda spec: spec.bf16_tflops or spec.fp32_tflops)
    hours, more = hours_on(sizing, slowest, count)
    notes += more
    cost, cost_notes = _running_cost(sizing, known, hours)
    notes += cost_notes
    option = Option("local", name, count, vram, True, hours, cost, tuple(notes))
    return replace(option, break_even_utilisation=_break_even(sizing, slowest), usd_per_hour=_hourly(sizing, known))


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
    notes = [f"electricity: {power_kw:g} kW x {hours:,.1f} h x PUE {s.pue:g} x USD {s.electricity_usd_per_kwh:g}/kWh"]
    prices = [spec.purchase_usd for spec in specs]
    if any(price is None for price in prices):
        notes.append("purchase price unknown: cost is electricity only (set purchase_usd in planner_overrides.json)")
        return electricity, notes
    months = sizing.request.months or hours / HOURS_PER_MONTH
    share = min(months, s.amortisation_months) / s.amortisation_months
    purchase = sum(p for p in prices if p is not None)
    period = f"{months:.2g} of {s.amortisation_months:g} months"
    notes.append(f"amortised purchase: {share:.1%} of USD {purchase:,.0f} ({period})")
    return electricity + purchase * share, notes


def _break_even(sizing: Sizing, gpu: GpuSpec) -> float | None:
    price = next((p for p in sizing.catalog.rent if sizing.catalog.gpu(p.gpu) == gpu), None)
    if price is None:
        return None
    return break_even_utilisation(sizing.catalog, gpu, (price.low_usd_per_hour + price.high_usd_per_hour) / 2)
