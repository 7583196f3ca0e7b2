"""How long this process has existed: the smoke test times the first paint from the process's creation.

`psutil.Process().create_time()` is not precise enough for that on Linux: psutil adds the start
tick to the boot time, which /proc/stat gives in whole seconds, so the answer can be up to a second
off. The kernel's own start tick (/proc/self/stat field 22, in clock ticks since boot) compared with
CLOCK_BOOTTIME, the clock it is counted on, is exact to a tick (proc(5); clock_gettime(2)).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

STARTTIME_FIELD = 22  # proc(5): "(22) starttime ... The time the process started after system boot"


def process_age_s() -> float:
    """Seconds since the OS created this process (a tick's precision on Linux)."""
    if sys.platform.startswith("linux"):
        stat = Path("/proc/self/stat").read_text(encoding="ascii", errors="replace")
        return linux_process_age_s(stat, time.clock_gettime(time.CLOCK_BOOTTIME), os.sysconf("SC_CLK_TCK"))
    import psutil  # Windows: the creation time has a 100 ns unit (GetProcessTimes)

    return time.time() - float(psutil.Process().create_time())


def linux_process_age_s(stat: str, boottime_s: float, ticks_per_s: int) -> float:
    """The age of the process whose /proc/PID/stat line is `stat`, at `boottime_s` on CLOCK_BOOTTIME.

    The command name (field 2) is in parentheses and may itself hold spaces and ')', so the fields
    are counted from the last ')'."""
    after_name = stat[stat.rindex(")") + 1 :].split()  # field 3 onwards
    start_ticks = int(after_name[STARTTIME_FIELD - 3])
    return boottime_s - start_ticks / ticks_per_s
