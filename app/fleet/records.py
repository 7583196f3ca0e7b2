"""The records of the fleet: what a stream's first line says, and how a watched host is doing.

Frozen, so the SSH reader thread can hand them to the window's thread as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from app.core.inventory import Inventory

STREAM_SCHEMA = "aiwm.stream/1"

# How a watched host can be: "connecting" (ssh started, no header yet), "streaming" (header read,
# samples arriving), "retrying" (the connection ended; the next try is `retry_in_s` away),
# "failed" (a problem that retrying cannot fix, such as an unknown host key: the user must act),
# "stopped" (the user stopped watching it).
HostState = Literal["connecting", "streaming", "retrying", "failed", "stopped"]

# Why a host is not streaming, one word each, so the window and the tests can tell them apart.
PROBLEM_KINDS = (
    "ssh_missing",  # no `ssh` program on this machine
    "unreachable",  # name does not resolve, connection refused or timed out
    "auth_refused",  # Permission denied (publickey, ...): BatchMode never asks for a password
    "host_key_unknown",  # the host is not in known_hosts (BatchMode refuses to ask)
    "host_key_changed",  # REMOTE HOST IDENTIFICATION HAS CHANGED
    "not_installed",  # `aiwm: command not found` on the remote side
    "old_schema",  # the remote aiwm speaks another stream schema (older or newer)
    "bad_stream",  # a line that is not the stream format
    "dropped",  # the connection ended mid-session
)
ProblemKind = Literal[
    "ssh_missing",
    "unreachable",
    "auth_refused",
    "host_key_unknown",
    "host_key_changed",
    "not_installed",
    "old_schema",
    "bad_stream",
    "dropped",
]


@dataclass(frozen=True)
class StreamHeader:
    """The first line of `aiwm stream`: who is speaking, and the inventory the samples refer to."""

    schema: str
    program_version: str
    host: str  # the remote's own hostname
    simulated: bool
    interval_s: float
    started_at: float  # UNIX seconds, remote clock
    inventory: Inventory
    inventory_json: dict[str, Any]  # the inventory as sent, for snapshot-like views
    # What the remote samples, as a session file's metadata says it: "all", or "simulated only" at a
    # --time-scale (the host's CPU, memory, disks and network are left out). None: not said (older aiwm).
    sources: str | None = None


@dataclass(frozen=True)
class StreamAlert:
    """An alert fired or cleared on the remote side, as a session file's events table keeps it."""

    wall_s: float
    kind: str  # "alert_fired" / "alert_cleared" (AlertEvent.as_session_event)
    message: str


@dataclass(frozen=True)
class StreamDropped:
    """The remote dropped samples because this reader was slow: `count` in all since the start."""

    wall_s: float
    count: int


@dataclass(frozen=True)
class HostProblem:
    """Why a host is not streaming, in one line, with what the user can do about it."""

    kind: ProblemKind
    message: str  # one line, e.g. "gpu1: Permission denied (publickey)"
    advice: str  # one line, e.g. "add your key: ssh-copy-id gpu1"


@dataclass(frozen=True)
class HostStatus:
    """One watched host now: its state, the last problem, the header once connected, counters."""

    host: str  # as the user typed it: "user@server" or an alias from ~/.ssh/config
    state: HostState
    problem: HostProblem | None = None
    header: StreamHeader | None = None
    retry_in_s: float | None = None  # when state is "retrying"
    connects: int = 0  # connections that reached "streaming"
    samples: int = 0  # samples received in all
    dropped_remote: int = 0  # samples the remote dropped for us (StreamDropped.count)
    last_sample_wall_s: float | None = None
