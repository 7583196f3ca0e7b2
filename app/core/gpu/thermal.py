"""A first-order thermal model of a GPU and its cooler, with a fan curve.

    dT/dt = (T_ambient + P * R(fan) - T) / tau

R(fan) is the cooler's thermal resistance: `resistance_c_per_w` at full fan, rising by
`fan_penalty` (a fraction) as the fan slows to a stop. The fan follows a linear curve between
`fan_start_c` and `fan_full_c`, clamped to the fan's minimum and maximum duty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ThermalParams:
    ambient_c: float
    resistance_c_per_w: float
    time_constant_s: float
    fan_penalty: float
    fan_min_percent: float
    fan_max_percent: float
    fan_start_c: float
    fan_full_c: float

    def fan_percent(self, temperature_c: float) -> float:
        """The duty the fan curve asks for at `temperature_c`."""
        span = self.fan_full_c - self.fan_start_c
        share = (temperature_c - self.fan_start_c) / span if span > 0 else 1.0
        wanted = self.fan_min_percent + share * (100.0 - self.fan_min_percent)
        return max(self.fan_min_percent, min(self.fan_max_percent, wanted))

    def resistance(self, fan_percent: float) -> float:
        return self.resistance_c_per_w * (1.0 + self.fan_penalty * (1.0 - fan_percent / 100.0))

    def equilibrium_c(self, power_w: float, temperature_c: float) -> float:
        """Where the temperature heads for at this power, with the fan as it is now."""
        return self.ambient_c + power_w * self.resistance(self.fan_percent(temperature_c))

    def step(self, temperature_c: float, power_w: float, dt_s: float) -> float:
        """The temperature after `dt_s` seconds at constant power (exact for a constant target)."""
        target = self.equilibrium_c(power_w, temperature_c)
        return target + (temperature_c - target) * math.exp(-dt_s / self.time_constant_s)

    def steady_temperature_c(self, power_w: float) -> float:
        """The temperature at which heating and cooling balance for a constant `power_w` (bisection)."""
        low, high = self.ambient_c, self.ambient_c + power_w * self.resistance(0.0) + 1.0
        for _ in range(60):
            middle = (low + high) / 2
            if self.equilibrium_c(power_w, middle) > middle:
                low = middle
            else:
                high = middle
        return (low + high) / 2
