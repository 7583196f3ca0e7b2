"""Which stored test results belong in this machine's report.

Results are kept in the data folder whatever GPUs ran them: a `--demo` run beside a real one, a
run on a card since replaced, a simulated RTX 4090 beside a simulated degraded one. A result is
this machine's when it is simulated exactly when the report is (a report of the real machine
leaves out every simulated result) and, for a GPU, when the GPU's UUID it recorded is the UUID
of the GPU with that index now. A result that recorded no UUID is kept, marked "not verified".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SAME_GPU = "same GPU (its UUID matches)"
SIMULATED_IN_REAL = "a result of SIMULATED hardware (--demo); this report is of the real machine"
NOT_VERIFIED = "not verified: the result does not record its GPU's UUID"


@dataclass(frozen=True)
class ThisMachine:
    """What the report is about: simulated or real, and its GPUs by index (the snapshot's entries)."""

    simulated: bool
    gpus: dict[int, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any], simulated: bool) -> ThisMachine:
        gpus = snapshot.get("gpus") or []
        return cls(simulated, {int(g["index"]): g for g in gpus if isinstance(g.get("index"), int)})


def gpu_index(device: object) -> int | None:
    """ "gpu0" -> 0; None for a host device (cpu, ram, a disk folder)."""
    match = re.fullmatch(r"gpu(\d+)", str(device or ""))
    return int(match.group(1)) if match else None


def result_uuid(result: dict[str, Any]) -> str | None:
    """The UUID of the GPU a result was recorded on, where it kept one."""
    details = result.get("details")
    found = result.get("device_uuid") or (details.get("device_uuid") if isinstance(details, dict) else None)
    return str(found) if found else None


def why_not_this_machine(result: dict[str, Any], machine: ThisMachine) -> str | None:
    """Why `result` is not about this machine's hardware; None when it is (or cannot be told apart)."""
    if bool(result.get("simulated")) and not machine.simulated:
        return SIMULATED_IN_REAL
    index = gpu_index(result.get("device"))
    if index is None:
        return None
    gpu = machine.gpus.get(index)
    if gpu is None:
        return f"this machine has no GPU {index}"
    uuid, now = result_uuid(result), gpu.get("uuid")
    if uuid and now and uuid != now:
        return f"recorded on another GPU ({uuid}), not on this machine's GPU {index} ({gpu.get('name')}, {now})"
    if not uuid and bool(result.get("simulated")) != bool(gpu.get("simulated")):
        return "recorded on real hardware; this report's GPUs are SIMULATED (--demo)"
    return None


def gpu_match(result: dict[str, Any]) -> str | None:
    """For a GPU's result: whether it is known to be this GPU's; None for a host device."""
    if gpu_index(result.get("device")) is None:
        return None
    return SAME_GPU if result_uuid(result) else NOT_VERIFIED
