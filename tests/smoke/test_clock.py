"""The process's age, which the smoke test times the first paint from."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from app.smoke.clock import linux_process_age_s

# Field 22 (starttime) is 98765 ticks; the command name holds a space and a ')' of its own, as a
# program may name itself (proc(5): the name is in parentheses, and is not escaped).
STAT = "4242 (we ird) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 5 2 0 0 20 0 1 0 98765 1000000 200 18446744073709551615"


def test_the_age_is_the_boot_clock_minus_the_start_tick_of_field_22() -> None:
    # 1000 s since boot now, started at tick 98765 of 100 per second = 987.65 s after boot
    assert linux_process_age_s(STAT, 1000.0, 100) == pytest.approx(12.35)
    assert linux_process_age_s(STAT, 987.65, 100) == pytest.approx(0.0)
    assert linux_process_age_s(STAT, 1000.0, 1000) == pytest.approx(901.235)


@pytest.mark.parametrize("sleep_s", [0.0, 0.6])
def test_a_new_process_measures_its_own_age_within_what_its_parent_saw(sleep_s: float) -> None:
    code = f"import time; time.sleep({sleep_s}); from app.smoke.clock import process_age_s; print(process_age_s())"
    before = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    seen_s = time.perf_counter() - before
    age_s = float(done.stdout)
    # A clock tick (10 ms at the usual 100 Hz) of rounding in the start time, no more.
    assert sleep_s - 0.011 <= age_s <= seen_s + 0.011, (age_s, seen_s)
