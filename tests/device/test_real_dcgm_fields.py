"""Energy, PCIe replays, memory temperature and the last XID through the real driver. Run by
`make device-check` on a machine with an NVIDIA GPU; `make test` deselects them (-m "not device")."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from app.core.gpu.nvml_source import NvidiaBackend

pytestmark = pytest.mark.device

WATCH_S = 4.0
STEP_S = 0.2


@pytest.fixture(scope="module")
def backend() -> Iterator[NvidiaBackend]:
    opened = NvidiaBackend()
    assert opened.status().status == "ok", opened.status().status
    yield opened
    opened.close()


def test_nvml_real_energy_grows_like_power_times_time(backend: NvidiaBackend) -> None:
    """The energy counter's growth over a few seconds matches the integral of the sampled power
    (a 1 s average, sampled every 0.2 s): within 35 % plus 5 J, a rough bound that a wrong unit
    (J read as mJ, or µJ) misses by a factor of 1000."""
    first = backend.read().gpus
    if all(g.energy_mj is None for g in first):
        pytest.skip(f"no energy counter on this GPU (Volta and newer): {dict(first[0].missing).get('energy_mj')}")
    start = time.monotonic()
    times, powers = [start], [[g.power_w or 0.0 for g in first]]
    while time.monotonic() - start < WATCH_S:
        time.sleep(STEP_S)
        last = backend.read().gpus
        times.append(time.monotonic())
        powers.append([g.power_w or 0.0 for g in last])
    for index, (before, after) in enumerate(zip(first, last, strict=True)):
        if before.energy_mj is None or after.energy_mj is None:
            continue
        joules = sum(
            (times[k + 1] - times[k]) * (powers[k][index] + powers[k + 1][index]) / 2 for k in range(len(times) - 1)
        )
        grown_j = (after.energy_mj - before.energy_mj) / 1000.0
        print(f"gpu{index}: energy grew {grown_j:.1f} J; power x time {joules:.1f} J over {times[-1] - start:.1f} s")
        assert grown_j >= 0
        assert abs(grown_j - joules) <= 0.35 * joules + 5.0


def test_nvml_real_replays_and_last_xid_are_counts_or_missing_with_a_reason(backend: NvidiaBackend) -> None:
    first = backend.read().gpus
    second = backend.read().gpus
    for before, after in zip(first, second, strict=True):
        missing = dict(after.missing)
        print(f"gpu{after.index}: replays {after.pcie_replay_count}, last XID {after.last_xid}")
        if after.pcie_replay_count is None:
            assert missing.get("pcie_replay_count"), "a missing counter says why"
        else:
            assert before.pcie_replay_count is not None and 0 <= before.pcie_replay_count <= after.pcie_replay_count
        if after.last_xid is None:
            assert missing.get("last_xid"), "a missing XID says why"
        else:
            assert after.last_xid >= 0


def test_nvml_real_memory_temperature_agrees_with_nvidia_smi(backend: NvidiaBackend) -> None:
    """nvidia-smi's temperature.memory ("HBM memory temperature") is the same sensor: N/A where we
    report none, within 3 C where both read it."""
    gpus = backend.read().gpus
    smi = shutil.which("nvidia-smi")
    if smi is None:
        pytest.skip("nvidia-smi is not installed: nothing to compare the memory temperature with")
    done = subprocess.run(
        [smi, "--query-gpu=index,temperature.memory", "--format=csv,noheader,nounits"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    theirs = dict(line.split(", ", 1) for line in done.stdout.strip().splitlines())
    for gpu in gpus:
        reported = theirs[str(gpu.index)].strip()
        print(f"gpu{gpu.index}: memory temperature aiwm {gpu.memory_temperature_c}, nvidia-smi {reported}")
        if gpu.memory_temperature_c is None:
            assert dict(gpu.missing).get("memory_temperature_c")
            assert not reported.replace(".", "").isdigit() or float(reported) == 0
        else:
            assert 5 < gpu.memory_temperature_c < 120
            assert abs(gpu.memory_temperature_c - float(reported)) <= 3
