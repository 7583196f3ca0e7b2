"""A simulated NVIDIA GPU: a catalog card with a thermal model, a power limit and throttling.

The GPU advances on the engine's clock, so a test can run it many times faster than real time.
Whatever runs on it sets its load (the demo workload, later the stress tests). Clocks follow
the load and two limits, as on a real card:

* power: dynamic power grows with about the 2.5th power of the clock, so when the load would
  draw more than the limit, clocks drop until it fits (reason `sw_power_cap`);
* heat: the driver trims clocks to keep the GPU at its max operating temperature
  (`sw_thermal_slowdown`: nvml.h says these clocks "have been optimized to ensure ... current GPU
  temperature does not exceed GPU Max Operating Temperature"). The trim is a clock ceiling: the
  full boost clock up to GPU Boost's target temperature (3 degC below the max operating one where
  the card has no target), falling to the base clock at the max operating temperature, and on to
  70 % of the boost clock at the slowdown temperature. A cooler too weak even for the base clock
  lets the card pass its max operating temperature; at the slowdown threshold the hardware halves
  the clocks (`hw_thermal_slowdown`) until the GPU is 2 degC below it.

The clock is the lowest ceiling (power, heat); the reason reported, and the violation counter that
runs, is that of the limit that set the clock, so a thermal slowdown always shows as lower clocks
(and lower TFLOPS in a stress test), never as a counter that ticks while the clock is unchanged.

Noise on the readings is seeded, so two runs with the same seed and steps read the same.
"""

from __future__ import annotations

import math

import numpy as np

from app.core.gpu.catalog import GpuProfile, GpuSpec
from app.core.gpu.clock_reasons import decode, encode
from app.core.gpu.records import GpuInfo, GpuProcess, GpuReading

POWER_EXPONENT = 2.5
HW_SLOWDOWN_FACTOR = 0.5
HW_RELEASE_BELOW_C = 2.0
SW_THERMAL_MIN_FACTOR = 0.7  # the trim's share of the boost clock at the slowdown temperature
SW_THERMAL_BAND_C = 3.0  # without a target temperature the trim begins this far below max operating
MAX_STEP_S = 0.5
IDLE_SM_CLOCK_MHZ = 210.0
IDLE_VRAM_BYTES = 300 * 2**20
# The HBM stacks share the package and the cold plate with the die but dissipate a small part of
# the board power, so the model lets them rise this share of the die's rise above ambient. A
# modelling assumption, not a measured figure; a real card reports its own sensor.
HBM_RISE_SHARE = 0.9
NO_MEMORY_SENSOR = "GeForce and other GDDR cards do not report a memory temperature through NVML"


class SimulatedGpu:
    """One simulated card. Not thread-safe: the sampler's GPU source owns it."""

    def __init__(self, profile: GpuProfile, index: int, start_s: float, seed: int = 0) -> None:
        self.profile = profile
        self.index = index
        self.temperature_c = profile.thermal.ambient_c + profile.idle_power_w * profile.thermal.resistance(
            profile.thermal.fan_percent(profile.thermal.ambient_c)
        )
        self.power_w = profile.idle_power_w
        self.power_limit_w = profile.spec.power_default_w
        self.clock_factor = 1.0
        self.load = 0.0
        self.vram_used_bytes = IDLE_VRAM_BYTES
        self.process_name: str | None = None
        self.reasons: tuple[str, ...] = ("gpu_idle",)
        self.power_violation_s = 0.0
        self.thermal_violation_s = 0.0
        self.sw_thermal_s = 0.0  # the thermal violation time split by reason, as NVML's counters are
        self.hw_thermal_s = 0.0
        self.energy_j = 0.0  # the integral of the modelled power over the model's clock
        self._hw_slowdown = False
        self._now_s = start_s
        self._rng = np.random.default_rng(seed * 1000 + index)

    @property
    def now_s(self) -> float:
        """The clock time the model has been advanced to."""
        return self._now_s

    @property
    def uuid(self) -> str:
        return f"GPU-SIMULATED-{self.index:04d}-{self.profile.key}"

    def set_load(self, fraction: float, vram_bytes: int | None = None, process_name: str | None = None) -> None:
        """What runs on the GPU: a share of its full compute (0..1), the memory it holds, its name."""
        self.load = max(0.0, min(1.0, fraction))
        if vram_bytes is not None:
            self.vram_used_bytes = max(IDLE_VRAM_BYTES, min(vram_bytes, self.profile.spec.vram_total_bytes))
        self.process_name = process_name

    def advance_to(self, now_s: float) -> None:
        """Integrate the model up to `now_s` in steps of at most half a second."""
        while self._now_s < now_s:
            dt = min(MAX_STEP_S, now_s - self._now_s)
            self._step(dt)
            self._now_s += dt

    def _step(self, dt: float) -> None:
        requested = self.load * (self.profile.full_load_power_w - self.profile.idle_power_w)
        thermal_factor, thermal_reason = self._thermal_factor()
        power_factor = 1.0
        if requested > 0 and self.profile.idle_power_w + requested > self.power_limit_w:
            power_factor = ((self.power_limit_w - self.profile.idle_power_w) / requested) ** (1 / POWER_EXPONENT)
        self.clock_factor = min(thermal_factor, power_factor)
        self.power_w = self.profile.idle_power_w + requested * self.clock_factor**POWER_EXPONENT
        self.energy_j += self.power_w * dt
        self.temperature_c = self.profile.thermal.step(self.temperature_c, self.power_w, dt)
        reasons = self._limiting_reasons(requested, thermal_factor, thermal_reason, power_factor)
        self._count(reasons, dt)
        if self.load < 0.01:
            reasons.append("gpu_idle")
        self.reasons = decode(encode(tuple(reasons)))

    def _limiting_reasons(
        self, requested: float, thermal_factor: float, thermal_reason: str | None, power_factor: float
    ) -> list[str]:
        """The limit that set the clock: heat when its ceiling is the lower one, else the power cap.

        A trim that does not reach below the power-capped clock limits nothing, so it is not reported;
        nor does the driver's trim of an idle card, whose clock is far below any ceiling (the
        hardware's slowdown is asserted whatever the load).
        """
        if requested <= 0:
            return ["hw_thermal_slowdown"] if thermal_reason == "hw_thermal_slowdown" else []
        if thermal_reason is not None and thermal_factor <= power_factor:
            return [thermal_reason]
        return ["sw_power_cap"] if power_factor < 1.0 else []

    def _count(self, reasons: list[str], dt: float) -> None:
        """NVML's cumulative counters: the time each reason held the clocks down."""
        if "sw_power_cap" in reasons:
            self.power_violation_s += dt
        if "hw_thermal_slowdown" in reasons:
            self.hw_thermal_s += dt
            self.thermal_violation_s += dt
        if "sw_thermal_slowdown" in reasons:
            self.sw_thermal_s += dt
            self.thermal_violation_s += dt

    def _thermal_factor(self) -> tuple[float, str | None]:
        """Clock ceiling allowed by temperature (a share of the boost clock), and its reason when below 1."""
        spec, t = self.profile.spec, self.temperature_c
        if t >= spec.temp_slowdown_c:
            self._hw_slowdown = True
        elif t < spec.temp_slowdown_c - HW_RELEASE_BELOW_C:
            self._hw_slowdown = False
        if self._hw_slowdown:
            return HW_SLOWDOWN_FACTOR, "hw_thermal_slowdown"
        return sw_thermal_ceiling(spec, t)

    def sm_clock_mhz(self) -> float:
        if self.load < 0.01:
            return IDLE_SM_CLOCK_MHZ
        return self.profile.spec.boost_clock_mhz * self.clock_factor

    def memory_temperature_c(self) -> float | None:
        """The HBM temperature on cards with HBM, None on GDDR cards, which report none.

        The catalog has no memory type; every MIG-capable card (A30, A100, H100, H200, B200) has HBM
        on its package, and the GeForce cards it models have GDDR, so MIG capability stands in for it.
        """
        if not self.profile.spec.mig_capable:
            return None
        ambient = self.profile.thermal.ambient_c
        return ambient + HBM_RISE_SHARE * (self.temperature_c - ambient)

    def info(self) -> GpuInfo:
        spec = self.profile.spec
        return GpuInfo(
            index=self.index,
            name=f"{spec.name} [SIMULATED]",
            uuid=self.uuid,
            simulated=True,
            serial=None,
            vbios=None,
            pci_bus_id=f"00000000:{self.index + 1:02X}:00.0",
            vram_total_bytes=spec.vram_total_bytes,
            compute_capability=spec.compute_capability,
            power_default_w=spec.power_default_w,
            power_min_w=spec.power_min_w,
            power_max_w=spec.power_max_w,
            power_enforced_w=self.power_limit_w,
            temp_slowdown_c=spec.temp_slowdown_c,
            temp_shutdown_c=spec.temp_shutdown_c,
            temp_max_operating_c=spec.temp_max_operating_c,
            temp_target_c=spec.temp_target_c,
            pcie_gen_max=spec.pcie_gen_max,
            pcie_width_max=spec.pcie_width_max,
            fan_count=spec.fan_count,
            persistence_mode=True,
            mig_mode=False if spec.mig_capable else None,
            display_attached=False,
            missing=(("serial", "simulated GPU"), ("vbios", "simulated GPU")),
        )

    def reading(self) -> GpuReading:
        """The state as NVML would report it, with small seeded noise on the sensors."""
        spec, noise = self.profile.spec, self._rng.normal(size=4)
        busy = self.load >= 0.01
        fan = self.profile.thermal.fan_percent(self.temperature_c) if spec.fan_count else None
        util = self.load * 100.0 + noise[0] * 0.6 if busy else abs(noise[0])
        missing = [] if spec.fan_count else [("fan_percent", "passively cooled: the chassis fans are not the GPU's")]
        memory_c = self.memory_temperature_c()
        if memory_c is None:
            missing.append(("memory_temperature_c", NO_MEMORY_SENSOR))
        return GpuReading(
            index=self.index,
            uuid=self.uuid,
            name=f"{spec.name} [SIMULATED]",
            simulated=True,
            lost=False,
            util_percent=round(max(0.0, min(100.0, util)), 1),
            mem_util_percent=round(max(0.0, min(100.0, util * 0.6)), 1),
            vram_used_bytes=self.vram_used_bytes,
            vram_total_bytes=spec.vram_total_bytes,
            temperature_c=round(self.temperature_c + noise[1] * 0.2, 1),
            temp_margin_c=None,
            power_w=round(max(0.0, self.power_w + noise[2] * 1.5), 1),
            power_instant_w=round(max(0.0, self.power_w + noise[3] * 4.0), 1),
            power_limit_w=self.power_limit_w,
            sm_clock_mhz=round(self.sm_clock_mhz()),
            mem_clock_mhz=spec.mem_clock_mhz if busy else 405.0,
            graphics_clock_mhz=round(self.sm_clock_mhz()),
            fan_percent=None if fan is None else round(fan, 1),
            fans_percent=() if fan is None else tuple(round(fan, 1) for _ in range(spec.fan_count)),
            pstate=2 if busy else 8,
            clock_event_reasons=self.reasons,
            power_violation_s=round(self.power_violation_s, 3),
            thermal_violation_s=round(self.thermal_violation_s, 3),
            throttle_sw_power_cap_s=round(self.power_violation_s, 3),
            throttle_sw_thermal_s=round(self.sw_thermal_s, 3),
            throttle_hw_thermal_s=round(self.hw_thermal_s, 3),
            throttle_hw_power_brake_s=0.0,  # the model has no external power brake
            energy_mj=round(self.energy_j * 1000.0),
            pcie_replay_count=0,  # a simulated link never retries
            memory_temperature_c=None if memory_c is None else round(memory_c + noise[1] * 0.2, 1),
            last_xid=0,  # a simulated GPU raises no XID errors
            ecc_corrected=0 if spec.ecc else None,
            ecc_uncorrected=0 if spec.ecc else None,
            pcie_gen=spec.pcie_gen_max if busy else 1,
            pcie_width=spec.pcie_width_max,
            processes=self._processes(),
            missing=tuple(missing),
        )

    def _processes(self) -> tuple[GpuProcess, ...]:
        if self.process_name is None:
            return ()
        return (
            GpuProcess(0, f"{self.process_name} [SIMULATED]", None, self.vram_used_bytes - IDLE_VRAM_BYTES, "compute"),
        )


def sw_thermal_ceiling(spec: GpuSpec, temperature_c: float) -> tuple[float, str | None]:
    """The driver's clock ceiling at `temperature_c` (a share of the boost clock), and its reason when
    below 1: boost up to the target temperature, the base clock at max operating, 70 % at slowdown."""
    max_op, slowdown = spec.temp_max_operating_c, spec.temp_slowdown_c
    target = spec.temp_target_c if spec.temp_target_c is not None and spec.temp_target_c < max_op else None
    trim_from = target if target is not None else max_op - SW_THERMAL_BAND_C
    base = min(1.0, spec.base_clock_mhz / spec.boost_clock_mhz)
    if temperature_c <= trim_from:
        return 1.0, None
    if temperature_c <= max_op:
        return 1.0 - (1.0 - base) * (temperature_c - trim_from) / (max_op - trim_from), "sw_thermal_slowdown"
    depth = min(1.0, (temperature_c - max_op) / (slowdown - max_op)) if slowdown > max_op else 1.0
    return max(SW_THERMAL_MIN_FACTOR, base - (base - SW_THERMAL_MIN_FACTOR) * depth), "sw_thermal_slowdown"


def steady_state_power_w(profile: GpuProfile, load: float) -> float:
    """The draw at `load` without throttling, clipped to the power limit: what the model should settle to."""
    requested = profile.idle_power_w + load * (profile.full_load_power_w - profile.idle_power_w)
    return min(requested, profile.spec.power_default_w)


def seconds_to_fraction(time_constant_s: float, fraction: float) -> float:
    """Time a first-order system takes to cover `fraction` of a step (0.632 at one time constant)."""
    return -time_constant_s * math.log(1.0 - fraction)
