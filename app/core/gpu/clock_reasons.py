"""NVML clock-event (throttle) reasons: bit, name, what it means and what to do.

Bits from nvidia-ml-py's pynvml.py (`nvmlClocksEventReason*`, and `nvmlClocksThrottleReason*` for
BoardLimit and Reliability, which pynvml names only the old way); meanings from NVIDIA's nvml.h
(group nvmlClocksEventReasons). `is_fault` marks the four DCGM's diagnostic fails a run on:
`failureMask` in DcgmRecorder::CheckForClocksEvent (github.com/NVIDIA/DCGM nvvs/src/DcgmRecorder.cpp,
= 0xE8 per MAX_CLOCKS_EVENT_IGNORE_MASK_VALUE in nvvs/include/ParsingUtility.h).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClockEventReason:
    bit: int
    name: str
    meaning: str
    advice: str
    is_fault: bool


REASONS: tuple[ClockEventReason, ...] = (
    ClockEventReason(0x001, "gpu_idle", "Nothing is running, so clocks are low.", "Nothing to do.", False),
    ClockEventReason(
        0x002,
        "applications_clocks_setting",
        "Clocks are held at the applications-clocks setting.",
        "Reset with `nvidia-smi -rac` if that was not intended.",
        False,
    ),
    ClockEventReason(
        0x004,
        "sw_power_cap",
        "Clocks are lowered to stay under the power limit.",
        "Normal under full load; raise the power limit only within the card's maximum.",
        False,
    ),
    ClockEventReason(
        0x008,
        "hw_slowdown",
        "Hardware cut clocks by half or more: too hot, or the power supply asked.",
        "Check cooling and the power cables and supply.",
        True,
    ),
    ClockEventReason(
        0x010, "sync_boost", "Clocks are matched to other GPUs in a sync-boost group.", "Nothing to do.", False
    ),
    ClockEventReason(
        0x020,
        "sw_thermal_slowdown",
        "The driver lowered clocks because the GPU or its memory is too hot.",
        "Improve airflow: clean the fins, raise the fan curve, lower the room temperature.",
        True,
    ),
    ClockEventReason(
        0x040,
        "hw_thermal_slowdown",
        "Hardware cut clocks because the GPU reached its slowdown temperature.",
        "Stop the load and fix cooling: blocked fins, failed fan, dried thermal paste.",
        True,
    ),
    ClockEventReason(
        0x080,
        "hw_power_brake",
        "An external power brake cut clocks (power supply or board signal).",
        "Check the power supply's capacity and the GPU's power connectors.",
        True,
    ),
    ClockEventReason(0x100, "display_clock_setting", "Clocks are held for the display.", "Nothing to do.", False),
    ClockEventReason(
        0x200,
        "board_limit",
        "The board's operating-limit policy is holding clocks down.",
        "Usually set by the system vendor; check the board's power and thermal design if it persists.",
        False,
    ),
    ClockEventReason(
        0x400,
        "reliability",
        "The reliability policy is holding clocks down to protect the GPU's lifetime.",
        "Nothing to do unless it persists at low load; then report it to the system vendor.",
        False,
    ),
)

_BY_NAME = {r.name: r for r in REASONS}


def decode(mask: int) -> tuple[str, ...]:
    """Names of the reasons set in an NVML bitmask, in bit order; unknown bits are named by value."""
    names = [r.name for r in REASONS if mask & r.bit]
    unknown = mask & ~sum(r.bit for r in REASONS)
    if unknown:
        names.append(f"unknown_0x{unknown:x}")
    return tuple(names)


def encode(names: tuple[str, ...]) -> int:
    """The NVML bitmask for reason names (the inverse of `decode` for known names)."""
    return sum(_BY_NAME[n].bit for n in names if n in _BY_NAME)


def describe(name: str) -> ClockEventReason | None:
    return _BY_NAME.get(name)
