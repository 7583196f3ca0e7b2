"""Thirty simulated minutes with the window open: bounded memory, no Qt warning, clean shutdown."""

from __future__ import annotations

import psutil
import pytest

TIME_SCALE = 120.0  # 30 simulated minutes in 15 seconds


@pytest.mark.slow
def test_thirty_simulated_minutes_with_the_window_open(qtbot, make_window) -> None:
    window = make_window(time_scale=TIME_SCALE)
    clock = window.live.engine.clock
    start = clock.monotonic()
    qtbot.waitUntil(lambda: clock.monotonic() - start > 5 * 60, timeout=60_000)
    process = psutil.Process()
    rss_at_5_min, history_at_5_min = process.memory_info().rss, window.state.history.nbytes
    qtbot.waitUntil(lambda: clock.monotonic() - start > 30 * 60, timeout=60_000)
    growth_mb = (process.memory_info().rss - rss_at_5_min) / 1e6
    print(f"long run: RSS grew {growth_mb:.1f} MB from minute 5 to 30; history holds {history_at_5_min / 1e6:.1f} MB")
    assert window.state.history.nbytes == history_at_5_min, "history buffers are allocated once"
    assert growth_mb < 40, f"memory grew {growth_mb:.1f} MB between minutes 5 and 30"
    gpu_samples = window.state.history.series("gpu0.temperature_c", 900).values.size
    assert gpu_samples >= 800, "the recent tier holds the last 15 minutes at one sample per second"
    window.close()
    assert not window.live.sampler.running and not window.redraw_timer.isActive()
