"""`aiwm stream` end to end, in real subprocesses: the lines it prints, how it ends, and a reader
that stops reading."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import IO

import psutil
import pytest

from app.core.gpu.records import GpuSetReading
from app.core.sampling.sample import Sample
from app.fleet.records import StreamAlert, StreamDropped
from app.fleet.wire import parse_header, parse_item

STREAM = [sys.executable, "-m", "app", "stream"]
# What NVML reports as total memory: 24564 MiB for an RTX 4090 and 24576 MiB for an RTX 3090
# (nvidia-smi's "FB Memory Usage: Total" on these cards), in bytes.
RTX4090_VRAM_BYTES = 24564 * 1024 * 1024
RTX3090_VRAM_BYTES = 24576 * 1024 * 1024


@contextlib.contextmanager
def _started(*args: str) -> Iterator[subprocess.Popen[bytes]]:
    """`aiwm stream ARGS` with its three standard streams as pipes; killed and closed at the end."""
    with _started_to(subprocess.PIPE, *args) as process:
        yield process


@contextlib.contextmanager
def _started_to(stdout: int | IO[bytes], *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """`aiwm stream ARGS` writing to `stdout`, its input and errors pipes; killed and closed at the end."""
    with subprocess.Popen([*STREAM, *args], stdin=subprocess.PIPE, stdout=stdout, stderr=subprocess.PIPE) as process:
        try:
            yield process
        finally:
            process.kill()
            process.wait()


def _gpu_samples(process: subprocess.Popen[bytes], wanted: int) -> list[GpuSetReading]:
    """Read lines until `wanted` GPU samples came; every line must parse."""
    assert process.stdout is not None
    found: list[GpuSetReading] = []
    while len(found) < wanted:
        line = process.stdout.readline()
        assert line, "the stream ended early"
        item = parse_item(line)
        if isinstance(item, Sample) and item.source == "gpu":
            assert item.error is None and isinstance(item.reading, GpuSetReading)
            found.append(item.reading)
    return found


def test_demo_stream_prints_the_header_then_samples_of_the_demo_gpus_and_ends_at_end_of_input() -> None:
    with _started("--demo") as process:
        assert process.stdout is not None and process.stdin is not None and process.stderr is not None
        header = parse_header(process.stdout.readline())
        assert header.simulated is True and header.interval_s == 1.0
        assert [g.vram_total_bytes for g in header.inventory.gpus] == [RTX4090_VRAM_BYTES, RTX3090_VRAM_BYTES]
        readings = _gpu_samples(process, 2)
        for reading in readings:
            assert reading.nvidia.simulated
            assert [g.uuid for g in reading.gpus] == [g.uuid for g in header.inventory.gpus]
            for gpu in reading.gpus:
                assert gpu.simulated and "SIMULATED" in (gpu.name or "")
                # The demo workload runs: from the 25 °C ambient up to below the slowdown temperature,
                # power up to the board's published limit (450 W for the 4090, 350 W for the 3090).
                limit_w = {RTX4090_VRAM_BYTES: 450.0, RTX3090_VRAM_BYTES: 350.0}[gpu.vram_total_bytes or 0]
                assert gpu.temperature_c is not None and 20.0 <= gpu.temperature_c <= 95.0
                assert gpu.power_limit_w == limit_w
                assert gpu.power_w is not None and 10.0 <= gpu.power_w <= limit_w
                assert gpu.util_percent is not None and 0.0 <= gpu.util_percent <= 100.0
                assert gpu.vram_used_bytes is not None and gpu.vram_total_bytes is not None
                assert 0 < gpu.vram_used_bytes < gpu.vram_total_bytes
        process.stdin.close()
        closed = time.monotonic()
        status = process.wait(10)
        took_s = time.monotonic() - closed
        rest = process.stdout.read().splitlines()
        errors = process.stderr.read().decode()
    assert status == 0, errors
    assert took_s < 2.5, "it ends within about one interval of the end of input"
    assert "Traceback" not in errors
    for line in rest:  # nothing but stream lines on standard output
        parse_item(line)


def test_without_demo_the_header_says_not_simulated_and_the_host_is_sampled() -> None:
    with _started() as process:
        assert process.stdout is not None
        header = parse_header(process.stdout.readline())
        sources = set()
        while not {"cpu", "memory"} <= sources:
            item = parse_item(process.stdout.readline())
            assert isinstance(item, Sample)
            sources.add(item.source)
    assert header.simulated is False
    assert not any(gpu.simulated for gpu in header.inventory.gpus)


def test_an_alert_that_fires_is_a_line_after_the_sample_that_fired_it() -> None:
    """A card with clogged fins under the demo load at 100x soon runs hot: its clocks are cut for
    heat, or it passes the RTX 4090's 90 °C maximum operating temperature (NVIDIA's spec page)."""
    with _started("--demo", "rtx4090-degraded", "--time-scale", "100") as process:
        assert process.stdout is not None
        parse_header(process.stdout.readline())
        last_gpu: GpuSetReading | None = None
        for _ in range(20_000):
            item = parse_item(process.stdout.readline())
            if isinstance(item, Sample) and isinstance(item.reading, GpuSetReading):
                last_gpu = item.reading
            if isinstance(item, StreamAlert):
                break
        else:
            pytest.fail("no alert line in 20,000 lines")
    assert item.kind == "alert_fired" and item.message.startswith("GPU 0 ")
    assert last_gpu is not None
    hot = last_gpu.gpus[0]
    reasons = hot.clock_event_reasons or ()
    assert any("thermal" in reason for reason in reasons) or (hot.temperature_c or 0.0) >= 90.0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_ends_the_stream_with_exit_0_and_whole_lines(signum: int) -> None:
    with _started("--demo") as process:
        assert process.stdout is not None and process.stderr is not None
        parse_header(process.stdout.readline())
        _gpu_samples(process, 1)
        process.send_signal(signum)
        status = process.wait(10)
        rest = process.stdout.read()
        errors = process.stderr.read().decode()
    assert status == 0, errors
    assert "Traceback" not in errors
    assert rest == b"" or rest.endswith(b"\n")
    for line in rest.splitlines():
        parse_item(line)


def test_a_reader_that_leaves_after_one_line_ends_the_stream_quietly() -> None:
    with _started("--demo") as stream:
        assert stream.stdout is not None
        with subprocess.Popen(["head", "-1"], stdin=stream.stdout, stdout=subprocess.PIPE) as head:
            stream.stdout.close()  # only `head` holds the pipe now, as in `aiwm stream | head -1`
            first, _ = head.communicate(timeout=30)
        status = stream.wait(15)
        assert stream.stderr is not None
        errors = stream.stderr.read().decode()
    assert parse_header(first).schema == "aiwm.stream/1"
    assert status in (0, 141)
    assert errors == "", "no traceback and no note: the reader is gone"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--interval", "0.1"], "--interval: 0.1 is below the shortest interval, 0.25 s"),
        (["--interval", "nan"], "--interval: nan is not a number of seconds"),
        (["--time-scale", "10"], "--time-scale needs --demo"),
        (["--demo", "gtx9999"], "gtx9999"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_with_nothing_on_stdout(args: list[str], says: str) -> None:
    done = subprocess.run([*STREAM, *args], capture_output=True, text=True, timeout=60, stdin=subprocess.PIPE)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aiwm: error:") and says in lines[0], done.stderr


def test_a_full_disk_on_standard_output_is_one_line_and_exit_2() -> None:
    with open("/dev/full", "wb") as full, _started_to(full, "--demo") as process:
        status = process.wait(30)
        assert process.stderr is not None
        errors = process.stderr.read().decode()
    assert status == 2
    assert errors == "aiwm: error: cannot write standard output: No space left on device\n"


def test_a_reader_that_stops_reading_gets_a_dropped_count_equal_to_the_missing_samples() -> None:
    """At 40x, 0.25 s: about 160 GPU samples a second. The reader takes nothing for 7 s; the pipe and
    the 256-line queue fill, memory stays flat, and every sample missing from the stream is counted."""
    lines: list[bytes] = []
    with _started("--demo", "--interval", "0.25", "--time-scale", "40") as process:
        assert process.stdout is not None and process.stdin is not None and process.stderr is not None
        parse_header(process.stdout.readline())
        watched = psutil.Process(process.pid)
        time.sleep(3.0)  # the pipe (64 KiB) and the queue are full within about 2 s
        rss_full = watched.memory_info().rss
        time.sleep(4.0)
        growth_bytes = watched.memory_info().rss - rss_full
        reading = threading.Thread(target=lambda: lines.extend(process.stdout.readlines()), name="test-reader")  # type: ignore[union-attr]
        reading.start()
        time.sleep(1.5)  # the reader catches up
        process.stdin.close()
        status = process.wait(15)
        reading.join(15)
        errors = process.stderr.read().decode()
    assert status == 0, errors
    # An unbounded buffer grows about 1 MiB a second here (measured: 0.5 MiB/s at 20x).
    assert growth_bytes < 1_500_000, f"memory grew {growth_bytes} bytes while the reader stalled"
    items = [parse_item(line) for line in lines]
    dropped = [item.count for item in items if isinstance(item, StreamDropped)]
    assert dropped and dropped[-1] > 0
    assert dropped == sorted(dropped), "a running total"
    said = re.search(r"aiwm: dropped (\d+) of (\d+) samples: the reader did not keep up", errors)
    assert said and int(said.group(1)) == dropped[-1]
    received = sum(isinstance(item, Sample) for item in items)
    assert received + dropped[-1] == int(said.group(2)), "every sample the sampler took is written or counted"
    # The gaps in each source's tick grid are the dropped samples; ticks the sampler itself skipped
    # (it woke too late on a busy machine, said on stderr) are the only other holes.
    missing = _missing_ticks(items)
    assert dropped[-1] <= missing <= dropped[-1] + _skipped_by_the_sampler(errors)


def _missing_ticks(items: list[object]) -> int:
    """Ticks of each source between its first and last sample that have no line (ticks are on a grid)."""
    ticks: dict[str, list[float]] = defaultdict(list)
    intervals: dict[str, float] = {}
    for item in items:
        if isinstance(item, Sample):
            ticks[item.source].append(item.tick_wall_s)
            intervals[item.source] = item.interval_s
    missing = 0
    for source, times in ticks.items():
        due = round((times[-1] - times[0]) / intervals[source]) + 1
        missing += due - len(times)
    return missing


def _skipped_by_the_sampler(errors: str) -> int:
    """Ticks the sampler itself skipped (it woke too late on a busy machine); it says so on stderr."""
    return sum(int(n) for n in re.findall(r"aiwm: \w+: (\d+) of \d+ ticks skipped", errors))
