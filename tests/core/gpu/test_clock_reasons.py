"""The clock-event reason table against nvidia-ml-py's own constants and DCGM's fault mask."""

from __future__ import annotations

import pynvml
import pytest

from app.core.gpu.clock_reasons import REASONS, decode, describe

# pynvml's constant suffix -> our reason name, written out by hand from the constant names.
# Both spellings are listed: nvmlClocksEventReason* (driver R535+) and nvmlClocksThrottleReason*.
PYNVML_NAMES = {
    "GpuIdle": "gpu_idle",
    "ApplicationsClocksSetting": "applications_clocks_setting",
    "UserDefinedClocks": "applications_clocks_setting",  # the deprecated alias of the same bit
    "SwPowerCap": "sw_power_cap",
    "HwSlowdown": "hw_slowdown",
    "SyncBoost": "sync_boost",
    "SwThermalSlowdown": "sw_thermal_slowdown",
    "HwThermalSlowdown": "hw_thermal_slowdown",
    "HwPowerBrakeSlowdown": "hw_power_brake",
    "DisplayClockSetting": "display_clock_setting",
    "BoardLimit": "board_limit",
    "Reliability": "reliability",
}
MASKS = {"None", "All"}  # not reasons: no bit, and every bit

# DCGM's diagnostic fails a run on these: failureMask in DcgmRecorder::CheckForClocksEvent
# (github.com/NVIDIA/DCGM nvvs/src/DcgmRecorder.cpp) = HW_SLOWDOWN | SW_THERMAL | HW_THERMAL |
# HW_POWER_BRAKE, which nvvs/include/ParsingUtility.h states as MAX_CLOCKS_EVENT_IGNORE_MASK_VALUE 0xE8.
DCGM_FAILURE_MASK = 0xE8


def _pynvml_reasons() -> dict[str, int]:
    prefixes = ("nvmlClocksEventReason", "nvmlClocksThrottleReason")
    return {name: getattr(pynvml, name) for name in dir(pynvml) if name.startswith(prefixes)}


def test_pynvml_has_reason_constants_to_check_against() -> None:
    assert len(_pynvml_reasons()) >= 20  # both spellings of 10+ reasons, in nvidia-ml-py 12 and 13


@pytest.mark.parametrize("constant", sorted(_pynvml_reasons()))
def test_every_pynvml_reason_constant_is_in_the_table_under_its_name(constant: str) -> None:
    suffix = constant.removeprefix("nvmlClocksEventReason").removeprefix("nvmlClocksThrottleReason")
    bit = _pynvml_reasons()[constant]
    if suffix in MASKS:
        assert bit == 0 or bit & ~sum(r.bit for r in REASONS) == 0, f"{constant} has a bit the table lacks"
        return
    assert suffix in PYNVML_NAMES, f"{constant} is new in pynvml: add it to the table and to PYNVML_NAMES"
    entry = describe(PYNVML_NAMES[suffix])
    assert entry is not None and entry.bit == bit
    assert decode(bit) == (entry.name,)


def test_the_table_has_one_bit_per_reason_and_no_reason_pynvml_lacks() -> None:
    bits = [r.bit for r in REASONS]
    assert all(bit & (bit - 1) == 0 for bit in bits) and len(set(bits)) == len(bits)
    assert {r.name for r in REASONS} == set(PYNVML_NAMES.values())
    assert set(bits) <= set(_pynvml_reasons().values())


def test_fault_flags_are_the_reasons_dcgm_fails_a_diagnostic_on() -> None:
    assert sum(r.bit for r in REASONS if r.is_fault) == DCGM_FAILURE_MASK
    assert {r.name for r in REASONS if r.is_fault} == {
        "hw_slowdown",
        "sw_thermal_slowdown",
        "hw_thermal_slowdown",
        "hw_power_brake",
    }


def test_bits_outside_the_table_are_named_by_value_and_encode_ignores_them() -> None:
    from app.core.gpu.clock_reasons import decode, encode

    # 0x004 is sw_power_cap (nvmlClocksEventReasonSwPowerCap); 0x800 and 0x1000 are no reason NVML defines.
    assert decode(0x004 | 0x800 | 0x1000) == ("sw_power_cap", "unknown_0x1800")
    assert decode(0) == ()
    assert encode(("sw_power_cap", "unknown_0x1800", "gpu_idle")) == 0x005
