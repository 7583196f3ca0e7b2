"""Every place the work could run, sized and costed: this machine, rented GPUs, dedicated servers, VPS.

Each option says whether the work fits (per-GPU memory, split across GPUs where the workload allows:
FSDP / ZeRO-3 for training, tensor parallelism for inference), the fewest GPUs it needs, the hours,
the cost and, where a purchase price is known, the utilisation at which buying beats renting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.planner.compute import decode_tokens_per_s, peak_flops, training_hours
from app.planner.hardware import GB, GpuSpec, HardwareCatalog, RentPrice
from app.planner.memory import MemoryParts, per_gpu_bytes
from app.planner.records import ComputeEstimate, Option, PlanRequest

HOURS_PER_MONTH = 730  # 8,760 hours a year / 12
INFERENCE_MAX_GPUS = 8  # tensor parallelism stays inside one server's NVLink domain
TRAINING_MAX_GPUS = 1024
VPS_OS_RESERVE_BYTES = 1 * GB  # the operating system and the runtime keep about this much RAM
# MFU counts model FLOPs only (6·N·D), not the recomputed forward pass (PaLM, Chowdhery et al. 2022,
# appendix B), so checkpointing changes the memory, not the hours at a given MFU.
CHECKPOINT_NOTE = "activation checkpointing on: layer inputs kept, the forward pass recomputed (--no-checkpointing)"


@dataclass(frozen=True)
class Sizing:
    """What every option needs: the request, its memory terms and its compute."""

    request: PlanRequest
    parts: MemoryParts
    compute: ComputeEstimate
    catalog: HardwareCatalog
    total_bytes: int  # the plan's memory total: `count` GPUs together always hold at least this

    def per_gpu(self, count: int, checkpointed: bool | None = None) -> int:
        chosen = self.request.activation_checkpointing if checkpointed is None else checkpointed
        return per_gpu_bytes(self.parts, count, chosen)

    def fits_on(self, count: int, vram_bytes: int) -> bool:
        """Whether `count` GPUs of `vram_bytes` hold the work: each its share, all of them the plan's total."""
        return self.per_gpu(count) <= vram_bytes and count * vram_bytes >= self.total_bytes

    def split_note(self, count: int) -> str | None:
        if count == 1:
            return None
        how = "FSDP / ZeRO-3 (weights, gradients and optimizer sharded)" if self.parts.training else "tensor parallel"
        return f"split across {count} GPUs: {how}"


def gb_text(value: float) -> str:
    return f"{value / GB:.1f} GB"


def _counts(sizing: Sizing) -> list[int]:
    limit = TRAINING_MAX_GPUS if sizing.parts.training else INFERENCE_MAX_GPUS
    return [2**k for k in range(int(math.log2(limit)) + 1)]


def hours_on(sizing: Sizing, gpu: GpuSpec, count: int) -> tuple[float | None, list[str]]:
    """Hours of work on `count` of `gpu`, with notes; None when the token count is unknown."""
    request, notes = sizing.request, []
    _, why = peak_flops(gpu, request.precision)
    if why:
        notes.append(why)
    if sizing.parts.training:
        if request.activation_checkpointing:
            notes.append(CHECKPOINT_NOTE)
        if sizing.compute.tokens is None:
            return None, notes
        return training_hours(sizing.compute.total_flops, gpu, count, request.precision, request.mfu), notes
    if request.tokens is None:
        if request.months is not None:
            notes.append(f"serving for {request.months:g} months ({HOURS_PER_MONTH} h a month)")
            return request.months * HOURS_PER_MONTH, notes
        return None, [*notes, "give --tokens (tokens to generate) or --months (time to serve) for hours and cost"]
    rate = decode_tokens_per_s(request, gpu, count, sizing.parts.weights, sizing.parts.kv_cache)
    notes.append(f"~{rate:,.0f} tokens/s generated (slower of memory bandwidth and compute)")
    return request.tokens / rate / 3600, notes


def fewest_gpus(sizing: Sizing, vram_bytes: int, counts: Sequence[int]) -> int | None:
    return next((count for count in counts if sizing.fits_on(count, vram_bytes)), None)


def misfit_notes(sizing: Sizing, vram_bytes: int, count: int) -> list[str]:
    notes = [f"does not fit: needs {gb_text(sizing.per_gpu(count))} per GPU on {count}, has {gb_text(vram_bytes)}"]
    request = sizing.request
    if sizing.parts.training and not request.activation_checkpointing:
        notes.append(f"with activation checkpointing: {gb_text(sizing.per_gpu(count, True))} per GPU")
    return notes


def rent_options(sizing: Sizing) -> list[Option]:
    return [_rent_option(sizing, price) for price in sizing.catalog.rent]


def _rent_option(sizing: Sizing, price: RentPrice) -> Option:
    gpu = sizing.catalog.gpu(price.gpu)
    assert gpu is not None  # the catalog refuses prices for GPUs it does not list
    counts = _counts(sizing)
    fit = fewest_gpus(sizing, gpu.vram_bytes, counts)
    if fit is None:
        notes = misfit_notes(sizing, gpu.vram_bytes, counts[-1])
        return Option("rent", gpu.name, counts[-1], gpu.vram_bytes, False, None, None, tuple(notes))
    count, hours, notes = _meet_deadline(sizing, gpu, fit, counts)
    low = high = cost = None
    if hours is not None:
        low, high = hours * count * price.low_usd_per_hour, hours * count * price.high_usd_per_hour
        cost = (low + high) / 2
        notes.append(f"USD {price.low_usd_per_hour:g}-{price.high_usd_per_hour:g} per GPU-hour ({price.source})")
    mid_rate = (price.low_usd_per_hour + price.high_usd_per_hour) / 2
    break_even = break_even_utilisation(sizing.catalog, gpu, mid_rate)
    if break_even is not None:
        notes.append(_break_even_note(sizing.catalog, gpu, break_even))
    hourly = count * mid_rate
    return Option(
        "rent", gpu.name, count, gpu.vram_bytes, True, hours, cost, tuple(notes), low, high, break_even, hourly
    )


def _meet_deadline(
    sizing: Sizing, gpu: GpuSpec, count: int, counts: Sequence[int]
) -> tuple[int, float | None, list[str]]:
    """The fewest GPUs that fit and, for training with a deadline, enough more to meet it."""
    hours, notes = hours_on(sizing, gpu, count)
    deadline = sizing.request.deadline_hours
    if deadline is None or hours is None or hours <= deadline or not sizing.parts.training:
        return count, hours, [*filter(None, [sizing.split_note(count)]), *notes]
    for more in (n for n in counts if n > count and sizing.fits_on(n, gpu.vram_bytes)):
        more_hours, more_notes = hours_on(sizing, gpu, more)
        if more_hours is not None and more_hours <= deadline:
            note = f"{more} GPUs to finish within the {deadline:g} h deadline ({count} would fit)"
            return more, more_hours, [note, *filter(None, [sizing.split_note(more)]), *more_notes]
    return count, hours, [*filter(None, [sizing.split_note(count)]), *notes]


def break_even_utilisation(catalog: HardwareCatalog, gpu: GpuSpec, rent_usd_per_hour: float) -> float | None:
    """The share of the amortisation period's hours above which buying `gpu` costs less than renting it:
    P / (T·(r − W·PUE·e)), T the period in hours (research notes B4, CAPEX against OPEX)."""
    if gpu.purchase_usd is None:
        return None
    s = catalog.settings
    power_cost = gpu.tdp_w / 1000 * s.pue * s.electricity_usd_per_kwh
    if rent_usd_per_hour <= power_cost:
        return None  # renting is cheaper than the electricity alone
    return gpu.purchase_usd / (s.amortisation_months * HOURS_PER_MONTH * (rent_usd_per_hour - power_cost))


def _break_even_note(catalog: HardwareCatalog, gpu: GpuSpec, share: float) -> str:
    months = catalog.settings.amortisation_months
    if share > 1:
        return f"buying a {gpu.name} (USD {gpu.purchase_usd:,.0f}) never beats renting it within {months:g} months"
    return (
        f"buying a {gpu.name} (USD {gpu.purchase_usd:,.0f}) beats renting above {share:.0%} use over {months:g} months"
    )


def dedicated_options(sizing: Sizing) -> list[Option]:
    options = []
    for server in sizing.catalog.dedicated:
        gpu = sizing.catalog.gpu(server.gpu)
        assert gpu is not None
        if not sizing.fits_on(server.gpu_count, gpu.vram_bytes):
            notes = [server.name, *misfit_notes(sizing, gpu.vram_bytes, server.gpu_count)]
            options.append(
                Option("dedicated", gpu.name, server.gpu_count, gpu.vram_bytes, False, None, None, tuple(notes))
            )
            continue
        hours, notes = hours_on(sizing, gpu, server.gpu_count)
        months = _billed_months(sizing.request.months, hours)
        cost = months * server.monthly_usd
        notes = [server.name, *filter(None, [sizing.split_note(server.gpu_count)]), *notes]
        notes.append(f"USD {server.monthly_usd:g} a month x {months:g} months ({server.source})")
        hourly = server.monthly_usd / HOURS_PER_MONTH
        fitting = Option("dedicated", gpu.name, server.gpu_count, gpu.vram_bytes, True, hours, cost, tuple(notes))
        options.append(replace(fitting, usd_per_hour=hourly))
    return options


def _billed_months(months: float | None, hours: float | None) -> float:
    """Whole months of rent: the project's length, or as many as the work takes, at least one."""
    needed = math.ceil(hours / HOURS_PER_MONTH) if hours else 1
    return max(months or 0, needed, 1)


def vps_options(sizing: Sizing) -> list[Option]:
    """CPU-only servers: inference of a model that fits their RAM; training is not practical there."""
    options = []
    for plan in sizing.catalog.vps:
        months = _billed_months(sizing.request.months, None)
        cost = months * plan.monthly_usd
        if sizing.parts.training:
            cpu_only = (plan.name, "CPU only: training is not practical without a GPU")
            options.append(Option("vps", None, 0, None, False, None, None, cpu_only))
            continue
        needed = sizing.parts.weights + sizing.parts.kv_cache + sizing.parts.activations
        fits = needed <= plan.ram_bytes - VPS_OS_RESERVE_BYTES
        notes = [
            plan.name,
            f"{plan.vcpus} vCPUs, {gb_text(plan.ram_bytes)} RAM; needs {gb_text(needed + VPS_OS_RESERVE_BYTES)}",
            "CPU only: speed depends on the CPU's memory bandwidth, no estimate of hours",
            f"USD {plan.monthly_usd:g} a month x {months:g} months ({plan.source})",
        ]
        hourly = plan.monthly_usd / HOURS_PER_MONTH if fits else None
        options.append(
            Option("vps", None, 0, None, fits, None, cost if fits else None, tuple(notes), usd_per_hour=hourly)
        )
    return options
