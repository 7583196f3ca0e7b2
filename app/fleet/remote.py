"""Watching one remote host: `ssh -T -o BatchMode=yes HOST aiwm stream`, decoded, reconnected.

One reader thread per host runs ssh (the system's OpenSSH client, no shell), reads the
`aiwm.stream/1` lines (app/fleet/wire.py), hands each finished record to the listeners and keeps
a `HostStatus`. When the connection ends it says why (app/fleet/ssh.py) and either retries with
back-off (app/fleet/backoff.py) or, for what retrying cannot fix, waits for the user.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shlex
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import IO, Any, TypeVar

from app.core.clock import Clock, SystemClock
from app.core.sampling.sample import Sample
from app.fleet.backoff import Backoff
from app.fleet.records import STREAM_SCHEMA, HostProblem, HostStatus, StreamAlert, StreamDropped
from app.fleet.ssh import (
    DEFAULT_CONNECT_TIMEOUT_S,
    DEFAULT_SERVER_ALIVE_INTERVAL_S,
    check_host,
    classify_ssh_exit,
    one_line,
    ssh_argv,
    ssh_missing,
    ssh_options_from_env,
)
from app.fleet.wire import StreamFormatError, StreamSchemaError, parse_header, parse_item

log = logging.getLogger(__name__)
T = TypeVar("T")

SampleListener = Callable[[Sample], None]
StatusListener = Callable[[HostStatus], None]
AlertListener = Callable[[StreamAlert], None]

# The remote command; `--interval` follows from the watcher's interval.
REMOTE_COMMAND = ("aiwm", "stream")

# Problems that retrying cannot fix: the host waits in "failed" until `retry_now()`.
NEEDS_THE_USER = frozenset(
    {"ssh_missing", "auth_refused", "host_key_unknown", "host_key_changed", "not_installed", "old_schema"}
)

STOP_GRACE_S = 2.0  # after stdin closes, the remote `aiwm stream` ends and ssh with it; else kill
MAX_LINE_BYTES = 4 * 1024 * 1024  # a header is a few kB, a sample with 8 GPUs about 10 kB
STDERR_LINES_KEPT = 20
# ssh's ConnectTimeout and ServerAliveInterval catch a dead network; this catches a remote that is
# connected but says nothing (a login script waiting for input, a hung program).
HEADER_TIMEOUT_S = 30.0
MAX_STRAY_LINES = 100  # lines a login script may print before the header (conda, motd, ...)
MAX_STRAY_BYTES = 64 * 1024


class RemoteHost:
    """One host watched over SSH, on its own reader thread, reconnecting with back-off.

    `start()` and `stop()` return at once. Listeners are called on the reader thread (the window
    queues what they get and drains it on its timer, as it does for the local LiveSession).
    Samples carry the remote's tick times; after a reconnect the missing interval is a gap.
    Extra ssh options come from `AIWM_SSH_OPTIONS` (shlex-split) followed by `ssh_options`.
    """

    def __init__(
        self,
        host: str,
        interval_s: float = 1.0,
        ssh_options: Sequence[str] = (),  # extra `ssh` options, e.g. ("-F", config) in tests
        clock: Clock | None = None,
        remote_command: Sequence[str] = REMOTE_COMMAND,
        backoff: Backoff | None = None,
        connect_timeout_s: int | None = DEFAULT_CONNECT_TIMEOUT_S,
        server_alive_interval_s: int | None = DEFAULT_SERVER_ALIVE_INTERVAL_S,
        header_timeout_s: float = HEADER_TIMEOUT_S,
    ) -> None:
        self._host = check_host(host)
        self._argv = ssh_argv(
            host,
            [*remote_command, "--interval", f"{interval_s:g}"],
            (*ssh_options_from_env(), *ssh_options),
            connect_timeout_s,
            server_alive_interval_s,
        )
        self._clock = clock or SystemClock()
        self._backoff = backoff or Backoff()
        self._header_timeout_s = header_timeout_s
        self._status = HostStatus(host=host, state="stopped")
        self._lock = threading.Lock()  # guards _status, _process and the stop/retry flags
        self._wake = threading.Event()
        self._stopping = False
        self._retry_asked = False
        self._cut_by_retry = False  # retry_now() ended a connection still waiting for its header
        self._process: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._on_sample: list[SampleListener] = []
        self._on_status: list[StatusListener] = []
        self._on_alert: list[AlertListener] = []

    @property
    def host(self) -> str:
        return self._host

    @property
    def argv(self) -> tuple[str, ...]:
        """The ssh command line this host runs (shown in the window's details, checked by tests)."""
        return tuple(self._argv)

    @property
    def status(self) -> HostStatus:
        """The host's state now (also sent to the status listeners on every change)."""
        with self._lock:
            return self._status

    def subscribe(
        self,
        on_sample: SampleListener | None = None,
        on_status: StatusListener | None = None,
        on_alert: AlertListener | None = None,
    ) -> None:
        """Add listeners; call before `start()` (they are called on the reader thread)."""
        if on_sample is not None:
            self._on_sample.append(on_sample)
        if on_status is not None:
            self._on_status.append(on_status)
        if on_alert is not None:
            self._on_alert.append(on_alert)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError(f"{self._host} is already being watched")
        self._thread = threading.Thread(target=self._run, name=f"aiwm-remote-{self._host}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching: ends the ssh process (never leaves one behind) and the reader thread.

        Returns at once: closing ssh's stdin ends the remote `aiwm stream` and then ssh; if ssh
        has not ended `STOP_GRACE_S` later, its process group is killed. `wait_stopped()` waits.
        """
        with self._lock:
            self._stopping = True
            process = self._process
        self._wake.set()
        if process is not None:
            threading.Thread(
                target=_end_process, args=(process,), name=f"aiwm-remote-stop-{self._host}", daemon=True
            ).start()

    def wait_stopped(self, timeout_s: float = STOP_GRACE_S + 3.0) -> bool:
        """After `stop()`: wait until the ssh process and the reader thread have ended."""
        if self._thread is not None:
            self._thread.join(timeout_s)
            return not self._thread.is_alive()
        return True

    def retry_now(self) -> None:
        """Connect again at once: after the user fixed a "failed" host, to skip a back-off wait, or
        to give up a connection still waiting for its header (a slow login). Never blocks."""
        with self._lock:
            self._retry_asked = True
            process = self._process if self._status.state == "connecting" else None
            self._cut_by_retry = process is not None
        self._wake.set()
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGTERM)  # the reader sees the end and connects again

    # The reader thread.

    def _run(self) -> None:
        try:
            while not self._stopped():
                problem, streamed_s = self._connect_once()
                if problem is None or self._stopped():
                    break
                if self._take_retry_cut():
                    continue
                self._backoff.connection_ended(streamed_s)
                if problem.kind in NEEDS_THE_USER:
                    self._set(state="failed", problem=problem, retry_in_s=None)
                    self._wait(None)
                else:
                    delay_s = self._backoff.next_delay_s()
                    self._set(state="retrying", problem=problem, retry_in_s=delay_s)
                    self._wait(self._clock.to_real_s(delay_s))
        finally:
            self._set(state="stopped", retry_in_s=None)

    def _stopped(self) -> bool:
        with self._lock:
            return self._stopping

    def _take_retry_cut(self) -> bool:
        """Whether `retry_now()` ended the last connection: connect again at once, no back-off."""
        with self._lock:
            cut, self._cut_by_retry = self._cut_by_retry, False
            if cut:
                self._retry_asked = False
                self._wake.clear()
        if cut:
            self._backoff.reset()
        return cut

    def _wait(self, timeout_s: float | None) -> None:
        """Sleep until the back-off ends, `retry_now()` or `stop()`."""
        self._wake.wait(timeout_s)
        with self._lock:
            self._wake.clear()
            asked, self._retry_asked = self._retry_asked, False
        if asked:
            self._backoff.reset()

    def _connect_once(self) -> tuple[HostProblem | None, float]:
        """One ssh connection from start to end: why it ended (None when stopped), seconds streamed."""
        self._set(state="connecting", retry_in_s=None)
        try:
            process = subprocess.Popen(
                self._argv,
                stdin=subprocess.PIPE,  # kept open: closing it ends the remote stream
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # its own process group: Ctrl+C goes to aiwm, stop() kills the group
            )
        except OSError:
            return ssh_missing(self._host), 0.0
        with self._lock:
            self._process = process
            stopping = self._stopping
        stderr = _StderrTail(process.stderr, self._host)
        started_s = None
        try:
            if stopping:
                return None, 0.0
            problem, started_s = self._read_stream(process)
        finally:
            _end_process(process)
            stderr.join()
            _close_pipes(process)
            with self._lock:
                self._process = None
        streamed_s = 0.0 if started_s is None else self._clock.monotonic() - started_s
        if self._stopped():
            return None, streamed_s
        if problem is None:
            problem = classify_ssh_exit(self._host, process.returncode, stderr.text(), started_s is not None)
        return problem, streamed_s

    def _read_stream(self, process: subprocess.Popen[bytes]) -> tuple[HostProblem | None, float | None]:
        """Read the header, then items until the end; a problem in the stream itself, and when it began."""
        stdout = process.stdout
        assert stdout is not None
        timed_out = threading.Event()

        def give_up() -> None:
            timed_out.set()
            _end_process(process)

        watchdog = threading.Timer(self._header_timeout_s, give_up)
        watchdog.name, watchdog.daemon = f"aiwm-remote-header-{self._host}", True
        watchdog.start()
        try:
            line, stray, flooded = _header_line(stdout)
        finally:
            watchdog.cancel()
        instead = f"the remote printed {stray!r} instead of a stream header"
        if flooded:
            return _bad_stream(
                self._host, f"{instead} (and more than {MAX_STRAY_LINES} lines or {MAX_STRAY_BYTES:,} bytes)"
            ), None
        if timed_out.is_set():
            if stray is not None:
                return _bad_stream(self._host, f"no stream header within {self._header_timeout_s:g} s; {instead}"), None
            return _slow_host(self._host, self._header_timeout_s), None
        if line is None:
            return None, None  # ended before a header: ssh's exit status says why (127: not installed)
        try:
            header = parse_header(line)
        except StreamSchemaError as error:
            return _old_schema(self._host, error), None
        except StreamFormatError as error:
            return _bad_stream(self._host, str(error)), None
        started_s = self._clock.monotonic()
        with self._lock:
            connects = self._status.connects + 1
        self._set(state="streaming", problem=None, header=header, connects=connects)
        for line in iter(lambda: stdout.readline(MAX_LINE_BYTES), b""):
            if len(line) >= MAX_LINE_BYTES and not line.endswith(b"\n"):
                return _bad_stream(self._host, f"a line longer than {MAX_LINE_BYTES:,} bytes"), started_s
            try:
                item = parse_item(line)
            except StreamFormatError as error:
                return _bad_stream(self._host, str(error)), started_s
            self._deliver(item)
        return None, started_s

    def _deliver(self, item: Sample | StreamAlert | StreamDropped | None) -> None:
        if isinstance(item, Sample):
            with self._lock:
                samples = self._status.samples + 1
            self._set(samples=samples, last_sample_wall_s=item.tick_wall_s)
            for on_sample in self._on_sample:
                _call(on_sample, item)
        elif isinstance(item, StreamAlert):
            for on_alert in self._on_alert:
                _call(on_alert, item)
        elif isinstance(item, StreamDropped):
            self._set(dropped_remote=item.count)

    def _set(self, **changes: Any) -> None:
        with self._lock:
            status = self._status = dataclasses.replace(self._status, **changes)
        for on_status in self._on_status:
            _call(on_status, status)


def _call(listener: Callable[[T], None], item: T) -> None:
    """One broken listener must not stop the others or the watching of the host."""
    try:
        listener(item)
    except Exception:
        log.exception("remote host listener failed")


class _StderrTail:
    """ssh's stderr, drained on its own thread (a full pipe would stall ssh); the last lines kept."""

    def __init__(self, stream: IO[bytes] | None, host: str) -> None:
        self._lines: deque[str] = deque(maxlen=STDERR_LINES_KEPT)
        self._thread = threading.Thread(
            target=self._drain, args=(stream,), name=f"aiwm-remote-stderr-{host}", daemon=True
        )
        self._thread.start()

    def _drain(self, stream: IO[bytes] | None) -> None:
        if stream is None:
            return
        for line in iter(lambda: stream.readline(4096), b""):
            self._lines.append(line.decode("utf-8", "replace"))

    def join(self) -> None:
        self._thread.join(STOP_GRACE_S)

    def text(self) -> str:
        return "".join(self._lines)


def _end_process(process: subprocess.Popen[bytes]) -> None:
    """Close ssh's stdin (the remote stream ends), wait `STOP_GRACE_S`, then kill its process group."""
    if process.stdin is not None:
        with contextlib.suppress(OSError, ValueError):  # the other thread may be closing it too
            process.stdin.close()
    try:
        process.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, sig)
            try:
                process.wait(1.0)
                break
            except subprocess.TimeoutExpired:
                continue


def _close_pipes(process: subprocess.Popen[bytes]) -> None:
    """Close ssh's output pipes, by the reader thread once it has read them to the end."""
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def _header_line(stdout: IO[bytes]) -> tuple[bytes | None, str | None, bool]:
    """The first line that begins with "{" (the header), skipping what a login script printed
    before it, as `aiwm snapshot --host` does; at most `MAX_STRAY_LINES` lines / `MAX_STRAY_BYTES`.
    Returns (the header line or None at the end, the first stray line or None, whether the
    stray lines went over the bound)."""
    first: str | None = None
    lines = size = 0
    while True:
        line = stdout.readline(MAX_LINE_BYTES)
        if not line:
            return None, first, False
        if line.lstrip().startswith(b"{"):
            return line, first, False
        if first is None and line.strip():
            first = line.decode("utf-8", "replace").strip()[:80]
        lines, size = lines + 1, size + len(line)
        if lines > MAX_STRAY_LINES or size > MAX_STRAY_BYTES:
            return None, first or "", True


def _old_schema(host: str, error: StreamSchemaError) -> HostProblem:
    return HostProblem(
        "old_schema",
        one_line(host, str(error)),
        f"install the same aiwm version on both machines: {host} runs {error.speaker.removeprefix('the remote ')}"
        f" ({error.schema}), this one needs {STREAM_SCHEMA}",
    )


def _slow_host(host: str, timeout_s: float) -> HostProblem:
    """Connected, but nothing came within `timeout_s`: slow, or something waits for input."""
    return HostProblem(
        "bad_stream",
        one_line(host, f"no stream header within {timeout_s:g} s"),
        f"the host or a login script is slow, or waits for input: try `ssh {shlex.quote(host)} aiwm stream` by hand",
    )


def _bad_stream(host: str, what: str) -> HostProblem:
    return HostProblem(
        "bad_stream",
        one_line(host, what),
        f"something on {host} prints into the stream (a login script?): try `ssh {shlex.quote(host)} aiwm stream`",
    )
