"""What the simulated GPU's thermal model says a cooling test should find: the test's answer key.

The model is dT/dt = (T_amb + P·R(fan(T)) − T)/τ, and its fan curve makes R fall as T rises. So the
temperature does not approach its steady value with the model's τ: near steady state a deviation
δ decays as dδ/dt = −(1 − ∂T_eq/∂T)·δ/τ, a time constant of τ/(1 − ∂T_eq/∂T) (∂T_eq/∂T < 0 while
the fan is ramping, so the closed loop is faster; 0 where the fan is pinned at its minimum or
maximum). That closed-loop τ is what a real card's curve shows too (the fan is part of its cooling),
so it is the truth the fit is held to; the model's own τ is reported beside it.
The power limit caps the power: the steady temperature is the model's balance at the power the
card actually drew at the end of the load, not at the workload's uncapped demand.
"""

from __future__ import annotations

from app.core.gpu.thermal import ThermalParams

_DT_C = 0.01


def simulated_truth(params: ThermalParams, steady_power_w: float) -> dict[str, float]:
    """Steady temperature and closed-loop time constant at `steady_power_w`, and the model's own τ."""
    steady_c = params.steady_temperature_c(steady_power_w)
    slope = (
        params.equilibrium_c(steady_power_w, steady_c + _DT_C) - params.equilibrium_c(steady_power_w, steady_c - _DT_C)
    ) / (2 * _DT_C)
    return {
        "steady_c": steady_c,
        "time_constant_s": params.time_constant_s / (1.0 - slope),
        "model_time_constant_s": params.time_constant_s,
        "steady_power_w": steady_power_w,
    }
