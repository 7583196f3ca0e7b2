"""`aiwm stream`: the header line, then one `aiwm.stream/1` line per sample and alert on standard output.

It runs until standard input ends (the SSH client went away), a signal (SIGINT, SIGTERM, SIGHUP),
or the reader leaves (EPIPE). Only stream lines go to standard output; notes go to standard error.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from app.cli.arguments import EXIT_USAGE
from app.cli.checks import open_engine
from app.cli.output import say
from app.cli.stop_signals import stop_on_signals
from app.core.errors import UserError

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.core.engine import Engine
    from app.core.sampling.live import LiveSession
    from app.core.settings import AlertSettings
    from app.fleet.stream import StreamWriter

EXIT_READER_LEFT = 141  # 128 + SIGPIPE, as a shell reports a writer whose reader left (`| head -1`)
FINISH_TIMEOUT_S = 2.0  # how long the queued lines may take to go out once the stream is told to end
STDOUT_FD, STDIN_FD = 1, 0

STREAM_DESCRIPTION = (
    "Print the aiwm.stream/1 header (schema, host, simulated, interval, the inventory) as the first line,"
    " then one JSON line per sample and per alert fired or cleared, flushed line by line; the wire format"
    " for watching this machine from another one over SSH, and handy for scripts. A reader that falls"
    " behind never makes it buffer without bound: past 256 waiting lines samples are dropped, and a"
    ' {"type": "dropped", "count": N} line (N: dropped so far, in all) marks the gap.'
)
STREAM_EPILOG = (
    "It ends when standard input (a pipe or a file, not a terminal) reaches its end: over `ssh -T` when"
    " the client goes away; `aiwm stream < /dev/null` ends at once. It also ends on SIGINT (Ctrl+C),"
    " SIGTERM or SIGHUP, or when the reader leaves. Exit status: 0 at the end of input or on a signal,"
    " 141 when the reader left (quietly), 2 for bad input or when standard output fails."
)


def stream_command(args: argparse.Namespace) -> int:
    from app.core.sampling.live import LiveSession
    from app.fleet.stream import StreamWriter, fd_writer, watch_end_of_input

    with stop_on_signals() as stop, open_engine(args, args.interval) as engine:
        live = LiveSession(engine, _alert_settings())
        if live.simulated_only:
            say(
                f"aiwm: --time-scale {args.time_scale:g}: streaming the simulated GPUs only; the host's CPU, "
                "memory, disks and network run in real time and are left out"
            )
        writer = StreamWriter(
            fd_writer(STDOUT_FD),
            _header(engine, args.interval, live.sources_label),
            _wall_clock(engine),
            on_end=stop.event.set,
        )
        writer.start()
        live.subscribe(writer.offer_sample, writer.offer_alert)
        watch_end_of_input(STDIN_FD, stop.event.set)
        live.start()
        try:
            while not stop.event.wait(1.0):  # the signal handler, the end of input or the writer sets it
                pass
        finally:
            live.stop()
            writer.finish(FINISH_TIMEOUT_S)
    return _report_end(live, writer)


def _header(engine: Engine, interval_s: float, sources: str) -> str:
    from app import __version__
    from app.fleet.wire import header_line

    inventory = engine.inventory()
    hostname = inventory.host.host.hostname
    return header_line(hostname, engine.simulated, interval_s, time.time(), inventory, __version__, sources)


def _wall_clock(engine: Engine) -> Callable[[], float]:
    """Wall time on the engine's clock (simulated seconds at a time scale), like the samples' times."""
    clock = engine.clock
    return lambda: clock.to_wall(clock.monotonic())


def _report_end(live: LiveSession, writer: StreamWriter) -> int:
    """Say on standard error what the reader is missing; the exit status for how the stream ended."""
    if isinstance(writer.failure, BrokenPipeError):
        return EXIT_READER_LEFT  # `| head -1`, or the SSH client left: nobody is there to read a note
    if writer.failure is not None:
        say(f"aiwm: error: cannot write standard output: {writer.failure.strerror or writer.failure}")
        return EXIT_USAGE
    if writer.dropped:
        say(f"aiwm: dropped {writer.dropped} of {writer.samples_offered} samples: the reader did not keep up")
    if writer.dropped_alerts:
        say(f"aiwm: dropped {writer.dropped_alerts} alert lines: the reader did not keep up")
    for name, count in live.sampler.tick_counts().items():
        if count.skipped_late:
            say(f"aiwm: {name}: {count.skipped_late} of {count.due} ticks skipped (the sampler could not keep up)")
    if writer.queued:
        say(f"aiwm: {writer.queued} lines were still waiting for the reader after {FINISH_TIMEOUT_S:g} s")
    return 0


def _alert_settings() -> AlertSettings:
    """The saved alert thresholds, or the defaults with a warning: a bad AIWM_HOME must not stop a stream."""
    from app.core.settings import AlertSettings, load_settings

    try:
        return load_settings().alerts
    except UserError as error:
        say(f"aiwm: warning: {error}; using default alert settings")
        return AlertSettings()
