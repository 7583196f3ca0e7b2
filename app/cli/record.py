"""`aiwm record`: sample into a new session file until the duration ends or a signal stops it."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from app.cli.arguments import EXIT_USAGE
from app.cli.checks import open_engine
from app.cli.output import say
from app.cli.stop_signals import stop_on_signals
from app.core.errors import UserError

if TYPE_CHECKING:
    from app.core.sampling.live import StoppedRecording
    from app.core.settings import AlertSettings


def record_command(args: argparse.Namespace) -> int:
    from app.core.sampling.live import LiveSession

    with stop_on_signals() as stop, open_engine(args, args.interval) as engine:
        live = LiveSession(engine, _alert_settings_for_record())
        try:
            live.start_recording(args.out)  # refuses an existing or unwritable file before sampling
        except BaseException:
            live.stop()
            raise
        label = " SIMULATED GPUs," if engine.simulated else ""
        say(f"aiwm: recording{label} {args.duration:g} s to {args.out} (Ctrl+C stops early)")
        if live.simulated_only:
            say(
                f"aiwm: --time-scale {args.time_scale:g}: recording the simulated GPUs only; the host's CPU, "
                "memory, disks and network run in real time and are left out"
            )
        live.start(args.duration)
        recorder = live.recorder
        # Wait: the sampler ends by itself after the last tick of the duration; a signal or a full
        # disk ends the recording sooner.
        while live.running and recorder is not None and recorder.failure is None:
            if stop.event.wait(0.05):
                break
        stopped_early = live.running
        stopped = live.stop()
    return _report_recording(args, stopped, stop.signum if stopped_early else None)


def _alert_settings_for_record() -> AlertSettings:
    """The saved alert thresholds, or the defaults with a warning when the data folder is unusable.

    `record` only reads settings and writes to `--out`, so a bad AIWM_HOME must not stop it.
    """
    from app.core.settings import AlertSettings, load_settings

    try:
        return load_settings().alerts
    except UserError as error:
        say(f"aiwm: warning: {error}; using default alert settings")
        return AlertSettings()


def _report_recording(args: argparse.Namespace, stopped: StoppedRecording | None, signum: int | None) -> int:
    """Say what was written and which ticks were skipped; stopped by a signal: exit 128 + its number.

    A write that failed (a full disk) is an error, exit 2, that says how much of the recording is safe.
    """
    if stopped is None:
        return 1
    from app.core.sessions.recorder import recording_failure

    recorder = stopped.recorder
    if recorder.failure is not None:
        say(f"aiwm: error: {recording_failure(recorder)}")
        return EXIT_USAGE
    for skipped in stopped.skipped:
        say(f"aiwm: {skipped.message}; noted in the session's events")
    sources = len(recorder.sources_written)
    counted = f"{recorder.rows_written} readings"
    if signum is not None:
        say(
            f"aiwm: stopped early after {stopped.elapsed_s:.1f} s of {args.duration:g} s; wrote {counted}"
            f" ({sources} sources) to {args.out}"
        )
        return 128 + signum  # 130 for Ctrl+C (SIGINT), 129 for a closed SSH session (SIGHUP), as shells report it
    say(f"aiwm: wrote {counted} ({args.duration:g} s, {sources} sources) to {args.out}")
    return 0
