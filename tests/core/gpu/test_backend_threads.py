"""A GPU backend is read by two sampler workers at once (the `gpu` and `gpu_pcie` sources): its
state must stay consistent when their reads interleave."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

from app.core.gpu.catalog import default_catalog
from app.core.gpu.simulated import SimulatedGpu
from app.core.gpu.simulated_backend import SimulatedBackend

TICK_S = 0.25  # exact in binary, so sums of ticks compare exactly


class TickingClock:
    """Each reading is one tick later than the one before: every read asks for a new moment."""

    def __init__(self) -> None:
        self._now = 0.0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            self._now += TICK_S
            return self._now

    def to_wall(self, monotonic_s: float) -> float:
        return monotonic_s

    def to_real_s(self, clock_s: float) -> float:
        return clock_s


def test_simulated_backend_read_from_many_threads_integrates_each_moment_once(monkeypatch) -> None:
    steps: dict[int, list[float]] = defaultdict(list)
    original_step = SimulatedGpu._step

    def step_that_yields_midway(gpu: SimulatedGpu, dt: float) -> None:
        steps[gpu.index].append(gpu.now_s)  # where this step starts
        time.sleep(0.0002)  # hand the GIL over in the middle of an update, as a busy machine would
        original_step(gpu, dt)

    monkeypatch.setattr(SimulatedGpu, "_step", step_that_yields_midway)
    catalog = default_catalog()
    clock = TickingClock()
    backend = SimulatedBackend([catalog["rtx4090"], catalog["rtx3090"]], clock, seed=1)
    start_s = backend.gpus[0].now_s
    errors: list[BaseException] = []
    sizes: list[int] = []

    def hammer(read_pcie: bool) -> None:
        try:
            for _ in range(40):
                reading = backend.read_pcie() if read_pcie else backend.read()
                sizes.append(len(reading.gpus))
        except BaseException as error:  # any exception is the failure this test looks for
            errors.append(error)

    threads = [threading.Thread(target=hammer, args=(n % 2 == 1,), name=f"test-hammer-{n}") for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sizes == [2] * 320
    last_s = clock.monotonic() - TICK_S  # the latest moment any read asked for
    for gpu in backend.gpus:
        starts = steps[gpu.index]
        assert starts == sorted(set(starts)), f"gpu{gpu.index}: a moment was integrated twice"
        assert starts[0] == start_s
        assert gpu.now_s == last_s, f"gpu{gpu.index} ran to {gpu.now_s}, past the last moment read {last_s}"
