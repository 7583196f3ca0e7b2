"""Every place the work could run, sized and costed: this machine, rented GPUs, dedicated servers, VPS.

Each option says whether the work fits (per-GPU memory, split across GPUs where the workload allows:
FSDP / ZeRO-3 for training, tensor parallelism for inference), the fewest GPUs it needs, the hours,
the cost and, where a purchase price is known, the utilisation at which buying beats renting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.planner.compute import cpu_tokens_per_s, decode_tokens_per_s, peak_flops, training_hours
from app.planner.hardware import GB, DedicatedServer, GpuSpec, HardwareCatalog, RentPrice, VpsPlan
from app.planner.memory import MemoryParts, estimate_memory, memory_parts, per_gpu_bytes
from app.planner.records import ComputeEstimate, Option, PlanRequest
from app.planner.words import gb_words, hours_words

HOURS_PER_MONTH = 730  # 8,760 hours a year / 12
INFERENCE_MAX_GPUS = 8  # tensor parallelism stays inside one server's NVLink domain
TRAINING_MAX_GPUS = 1024
INFERENCE_MAX_BATCH = 256  # vLLM's default --max-num-seqs: the most sequences a server decodes at once
VPS_OS_RESERVE_BYTES = 1 * GB  # the operating system and the runtime keep about this much RAM
# MFU counts model FLOPs only (6·N·D), not the recomputed forward pass (PaLM, Chowdhery et al. 2022,
# appendix B), so checkpointing changes the memory, not the hours at a given MFU.
CHECKPOINT_NOTE = "activation checkpointing on: layer inputs kept, the forward pass recomputed (--no-checkpointing)"
NO_BF16 = "has no bf16"  # in a note: the GPU cannot run the work in the precision asked
BF16_MIN_CAPABILITY = 8.0  # bf16 tensor cores arrived with Ampere (CUDA programming guide, compute capabilities)


@dataclass(frozen=True)
class Sizing:
    """What every option needs: the request, its memory terms and its compute."""

    request: PlanRequest
    parts: MemoryParts
    compute: ComputeEstimate
    catalog: HardwareCatalog
    total_bytes: int  # the plan's memory total: `count` GPUs together always hold at least this

    def per_gpu(self, count: int, checkpointed: bool | None = None, micro: int | None = None) -> int:
        chosen = self.request.activation_checkpointing if checkpointed is None else checkpointed
        return per_gpu_bytes(self.parts, count, chosen, micro)

    def fits_on(self, count: int, vram_bytes: int) -> bool:
        """Whether `count` GPUs of `vram_bytes` hold the work: each its share, all of them the plan's total."""
        return self.per_gpu(count) <= vram_bytes and count * vram_bytes >= self.total_bytes

    def split_note(self, count: int) -> str | None:
        if count == 1:
            return None
        if not self.parts.training:
            return f"split across {count} GPUs: tensor parallel"
        how = "FSDP / ZeRO-3 (weights, gradients and optimizer sharded)"
        batch = self.request.batch
        share = f"; the global batch of {batch} as {math.ceil(batch / count)} per GPU" if batch > 1 else ""
        return f"split across {count} GPUs: {how}{share}"

    def with_batch(self, batch: int) -> Sizing:
        """The same work at another batch (a deadline may call for more sequences at once)."""
        request = replace(self.request, batch=batch)
        total = estimate_memory(request).total_bytes
        return replace(self, request=request, parts=memory_parts(request), total_bytes=total)


def gb_text(value: float) -> str:
    return gb_words(value)


def _counts(sizing: Sizing) -> list[int]:
    limit = TRAINING_MAX_GPUS if sizing.parts.training else INFERENCE_MAX_GPUS
    return [2**k for k in range(int(math.log2(limit)) + 1)]


def precision_note(gpu: GpuSpec, precision: str) -> str | None:
    """Why `gpu` cannot run the precision asked: bf16 needs compute capability 8.0 (Ampere) or newer."""
    try:
        capability = float(gpu.compute_capability)
    except ValueError:
        return None
    if precision.lower() == "bf16" and capability < BF16_MIN_CAPABILITY:
        return f"{gpu.name} (compute capability {gpu.compute_capability}) {NO_BF16}: use --precision fp16 or fp32"
    return None


def hours_on(sizing: Sizing, gpu: GpuSpec, count: int) -> tuple[float | None, list[str]]:
    """Hours of work on `count` of `gpu`, with notes; None when the token count is unknown."""
    request = sizing.request
    _, why = peak_flops(gpu, request.precision)
    notes: list[str] = []
    notes += filter(None, [precision_note(gpu, request.precision), why])
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
    batch = f" at batch {request.batch}" if request.batch > 1 else ""
    notes.append(f"~{rate:,.0f} tokens/s generated{batch} (slower of memory bandwidth and compute)")
    return request.tokens / rate / 3600, notes


def fewest_gpus(sizing: Sizing, vram_bytes: int, counts: Sequence[int]) -> int | None:
    return next((count for count in counts if sizing.fits_on(count, vram_bytes)), None)


def misfit_notes(sizing: Sizing, vram_bytes: int, count: int) -> list[str]:
    gpus = "1 GPU" if count == 1 else f"each of {count} GPUs"
    notes = [f"does not fit: needs {gb_text(sizing.per_gpu(count))} on {gpus}, has {gb_text(vram_bytes)}"]
    request = sizing.request
    if sizing.parts.training and not request.activation_checkpointing:
        notes.append(f"with activation checkpointing: {gb_text(sizing.per_gpu(count, True))} per GPU")
    if sizing.parts.training and math.ceil(request.batch / count) > 1:
        one = sizing.per_gpu(count, micro=1)
        steps = math.ceil(request.batch / count)
        notes.append(
            f"with gradient accumulation (1 sequence per GPU, {steps} steps for the global batch of"
            f" {request.batch}): {gb_text(one)} per GPU"
        )
    return notes


@dataclass(frozen=True)
class Placement:
    """How an option runs the work: on how many GPUs, at which batch, in how many hours, and why."""

    sizing: Sizing
    count: int
    hours: float | None
    notes: list[str]


def place(sizing: Sizing, gpu: GpuSpec, vram_bytes: int, counts: Sequence[int]) -> Placement | None:
    """The fewest GPUs that hold the work and, when that misses the deadline, the fewest GPUs and the
    smallest batch (inference: up to `INFERENCE_MAX_BATCH` sequences decoded at once) that meet it.
    Training's batch is the user's global batch; more GPUs split it. None when nothing fits."""
    fit = fewest_gpus(sizing, vram_bytes, counts)
    if fit is None:
        return None
    hours, notes = hours_on(sizing, gpu, fit)
    first = Placement(sizing, fit, hours, [*filter(None, [sizing.split_note(fit)]), *notes])
    deadline = sizing.request.deadline_hours
    if deadline is None or hours is None or hours <= deadline:
        return first
    for count in (n for n in counts if n >= fit):
        for trial in _batches(sizing):
            if (count, trial.request.batch) == (fit, sizing.request.batch) or not trial.fits_on(count, vram_bytes):
                continue
            more_hours, more_notes = hours_on(trial, gpu, count)
            if more_hours is not None and more_hours <= deadline:
                why = _deadline_note(sizing, trial, fit, count, deadline)
                return Placement(trial, count, more_hours, [why, *filter(None, [trial.split_note(count)]), *more_notes])
    return first


def _batches(sizing: Sizing) -> list[Sizing]:
    """The batches to try for a deadline: training keeps its global batch; inference doubles its own."""
    batch = sizing.request.batch
    if sizing.parts.training or sizing.request.tokens is None:
        return [sizing]
    sizes = [batch * 2**k for k in range(12) if batch * 2**k <= INFERENCE_MAX_BATCH] or [batch]
    return [sizing if size == batch else sizing.with_batch(size) for size in sizes]


def _deadline_note(sizing: Sizing, trial: Sizing, fit: int, count: int, deadline: float) -> str:
    changes = []
    if count != fit:
        how = "tensor parallel" if not sizing.parts.training else "data parallel"
        changes.append(f"{count} GPUs ({how}; {fit} would hold the work)")
    if trial.request.batch != sizing.request.batch:
        batch, before = trial.request.batch, sizing.request.batch
        changes.append(f"batch {batch} ({batch} sequences decoded at once, not {before})")
    return f"to finish within the {deadline:g} h deadline: " + " and ".join(changes)


def rent_options(sizing: Sizing) -> list[Option]:
    return [_rent_option(sizing, price) for price in sizing.catalog.rent]


def _rent_option(sizing: Sizing, price: RentPrice) -> Option:
    gpu = sizing.catalog.gpu(price.gpu)
    assert gpu is not None  # the catalog refuses prices for GPUs it does not list
    counts = _counts(sizing)
    placed = place(sizing, gpu, gpu.vram_bytes, counts)
    if placed is None:
        notes = misfit_notes(sizing, gpu.vram_bytes, counts[-1])
        return Option("rent", gpu.name, counts[-1], gpu.vram_bytes, False, None, None, tuple(notes))
    count, hours, notes = placed.count, placed.hours, list(placed.notes)
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
    option = Option(
        "rent", gpu.name, count, gpu.vram_bytes, True, hours, cost, tuple(notes), low, high, break_even, hourly
    )
    return replace(option, batch=placed.sizing.request.batch)


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
    return [_dedicated_option(sizing, server) for server in sizing.catalog.dedicated]


def _dedicated_option(sizing: Sizing, server: DedicatedServer) -> Option:
    gpu = sizing.catalog.gpu(server.gpu)
    assert gpu is not None
    counts = [n for n in _counts(sizing) if n < server.gpu_count] + [server.gpu_count]
    placed = place(sizing, gpu, gpu.vram_bytes, counts)
    if placed is None:
        notes = [server.name, *misfit_notes(sizing, gpu.vram_bytes, server.gpu_count)]
        return Option("dedicated", gpu.name, server.gpu_count, gpu.vram_bytes, False, None, None, tuple(notes))
    # A server is rented whole: every GPU in it is paid for; the work may use fewer of them.
    hours = placed.hours
    months = _billed_months(sizing.request.months, hours)
    cost = months * server.monthly_usd
    used = "" if placed.count == server.gpu_count else f" (the work uses {placed.count} of its {server.gpu_count} GPUs)"
    notes = [server.name + used, *placed.notes]
    notes.append(f"USD {server.monthly_usd:,.0f} a month x {months:g} months ({server.source})")
    option = Option("dedicated", gpu.name, server.gpu_count, gpu.vram_bytes, True, hours, cost, tuple(notes))
    return replace(option, usd_per_hour=server.monthly_usd / HOURS_PER_MONTH, batch=placed.sizing.request.batch)


def _billed_months(months: float | None, hours: float | None) -> float:
    """Whole months of rent: the project's length, or as many as the work takes, at least one."""
    needed = math.ceil(hours / HOURS_PER_MONTH) if hours else 1
    return max(months or 0, needed, 1)


def vps_options(sizing: Sizing) -> list[Option]:
    """CPU-only servers: inference of a model that fits their RAM, at the speed their RAM bandwidth
    allows; training is not practical there."""
    return [_vps_option(sizing, plan) for plan in sizing.catalog.vps]


def _vps_option(sizing: Sizing, plan: VpsPlan) -> Option:
    if sizing.parts.training:
        why = (plan.name, "not practical: training on a CPU-only server, without a GPU")
        return Option("vps", None, 0, None, False, None, None, why)
    needed = sizing.parts.weights + sizing.parts.kv_cache + sizing.parts.activations + VPS_OS_RESERVE_BYTES
    ram = f"{plan.vcpus} vCPUs, {gb_text(plan.ram_bytes)} RAM"
    if needed > plan.ram_bytes:
        misfit = (plan.name, f"does not fit: needs {gb_text(needed)} of RAM, has {gb_text(plan.ram_bytes)} ({ram})")
        return Option("vps", None, 0, None, False, None, None, misfit)
    hours, speed = _vps_hours(sizing, plan)
    months = _billed_months(sizing.request.months, hours)
    notes = [plan.name, f"{ram}; needs {gb_text(needed)}", *speed]
    notes.append(f"USD {plan.monthly_usd:g} a month x {months:g} months, the monthly price ({plan.source})")
    cost = months * plan.monthly_usd
    option = Option("vps", None, 0, None, True, hours, cost, tuple(notes))
    return replace(option, usd_per_hour=plan.monthly_usd / HOURS_PER_MONTH, batch=sizing.request.batch)


def _vps_hours(sizing: Sizing, plan: VpsPlan) -> tuple[float | None, list[str]]:
    """Hours of CPU generation, from the RAM bandwidth (assumed where the catalog has no measurement)."""
    request = sizing.request
    bandwidth = f"{plan.ram_bandwidth_bytes_per_s / GB:g} GB/s RAM bandwidth"
    if plan.bandwidth_assumed:
        bandwidth += " (an assumption; set ram_bandwidth_gb_s in planner_overrides.json from a STREAM run)"
    if request.tokens is None:
        if request.months is not None:
            return request.months * HOURS_PER_MONTH, [f"serving for {request.months:g} months on the CPU"]
        return None, ["CPU only: give --tokens for the hours its RAM bandwidth allows, or --months to serve"]
    rate = cpu_tokens_per_s(request, plan, sizing.parts.weights, sizing.parts.kv_cache)
    hours = request.tokens / rate / 3600
    note = f"CPU only: ~{rate:,.2g} tokens/s from {bandwidth}; {hours_words(hours)} for the tokens asked"
    return hours, [note]
