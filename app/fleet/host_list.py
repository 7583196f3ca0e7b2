"""The saved list of watched hosts (`hosts.json` in the data folder), so the Hosts page survives a restart.

Names are kept as the user typed them: `user@server`, `server` or an alias from `~/.ssh/config`.
They go to `ssh` as one argument, so a name that `ssh` would read as an option (a leading '-') or
that hides characters or holds a shell metacharacter is refused before it is ever saved. A file that
cannot be read is moved aside with a one-line warning and the list starts empty; a file with some bad
entries keeps the good ones (the original moved aside): the user's file is never lost.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.atomic import atomic_text_writer
from app.core.errors import UserError
from app.core.paths import data_dir
from app.core.settings import move_aside
from app.fleet.ssh import host_problem

log = logging.getLogger(__name__)

HOSTS_SCHEMA = "aiwm.hosts/1"
HOSTS_FILE = "hosts.json"
# A DNS name is at most 253 characters (RFC 1035 section 2.3.4) and a login name is short; a
# longer entry is a paste gone wrong, not a host.
MAX_NAME_CHARS = 255


def hosts_path() -> Path:
    return data_dir() / HOSTS_FILE


def host_name_problem(name: str) -> str | None:
    """Why `name` cannot be a host to watch, in one line for the Add dialog; None when it can."""
    if not name:
        return "Enter a host: user@server, server, or an alias from ~/.ssh/config."
    if name.startswith("-"):
        return f"{name!r} starts with '-': ssh would read it as an option, not a host."
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        return "The host contains a control or invisible character; type it again."
    if any(ch.isspace() for ch in name):
        return f"{name!r} contains a space: a host is one word (user@server or an ssh alias)."
    if len(name) > MAX_NAME_CHARS:
        return f"The host is {len(name)} characters long; a host name has at most {MAX_NAME_CHARS}."
    if name.startswith("@") or name.endswith("@"):
        return f"{name!r} has an empty user or server around '@'."
    problem = host_problem(name)  # what ssh takes as a destination; no shell metacharacters
    return None if problem is None else problem[0].upper() + problem[1:] + "."


@dataclass(frozen=True)
class LoadedHosts:
    """The saved hosts, and the one-line warning when the file was unreadable and moved aside."""

    hosts: tuple[str, ...]
    warning: str | None = None
    # False when an unreadable file could not be moved aside: saving would put a list over it.
    may_save: bool = True


def load_hosts(path: Path | None = None) -> LoadedHosts:
    """The saved hosts in the order they were added; none when there is no file yet.

    A file with a UTF-8 byte-order mark (a Windows editor) reads as any other. Entries that are not
    a host ssh takes are dropped and the good ones kept: the original file is moved aside once
    (named in the warning) and the good list written in its place, so nothing is lost.
    """
    path = path or hosts_path()
    if not path.exists():
        return LoadedHosts(())
    try:
        hosts, dropped = _parse(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        why = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        warning, moved = _set_aside(path, why)
        return LoadedHosts((), warning, may_save=moved)
    if not dropped:
        return LoadedHosts(hosts)
    return _keep_the_good(path, hosts, dropped)


def _parse(text: str) -> tuple[tuple[str, ...], list[str]]:
    """(the good hosts without repeats, why each bad entry was dropped); `ValueError` for a file
    that is not a host list at all."""
    doc = json.loads(text)
    if not isinstance(doc, dict) or doc.get("schema") != HOSTS_SCHEMA:
        raise ValueError(f"not an {HOSTS_SCHEMA} document")
    entries = doc.get("hosts")
    if not isinstance(entries, list):
        raise ValueError("'hosts' is not a list of names")
    hosts, dropped = [], []
    for entry in entries:
        problem = host_name_problem(entry) if isinstance(entry, str) else f"{entry!r} is not a name"
        if problem is None:
            hosts.append(entry)
        else:
            dropped.append(problem)
    return tuple(dict.fromkeys(hosts)), dropped


def _keep_the_good(path: Path, hosts: tuple[str, ...], dropped: list[str]) -> LoadedHosts:
    """Move the file with bad entries aside and write the good ones back; the warning says both."""
    skipped = f"{len(dropped)} entr{'y' if len(dropped) == 1 else 'ies'} dropped ({dropped[0]}"
    skipped += f" and {len(dropped) - 1} more)" if len(dropped) > 1 else ")"
    try:
        aside = move_aside(path, "bad-entries")  # the file reads, only some entries are bad
    except OSError as error:
        warning = (
            f"hosts file {path}: {skipped}; it could not be moved aside ({error.strerror}):"
            " hosts added now are not saved"
        )
        log.warning("%s", warning)
        return LoadedHosts(hosts, warning, may_save=False)
    try:
        save_hosts(hosts, path)
    except (OSError, UserError) as error:
        warning = (
            f"hosts file {path}: {skipped}; kept as {aside.name}; the good entries could not be written back ({error})"
        )
    else:
        warning = f"hosts file {path}: {skipped}; the original is kept as {aside.name}"
    log.warning("%s", warning)
    return LoadedHosts(hosts, warning)


def _set_aside(path: Path, why: str) -> tuple[str, bool]:
    """Move the unreadable file out of the way; (the warning, whether it was moved)."""
    try:
        aside = move_aside(path)
    except OSError as error:
        warning = (
            f"hosts file {path} is unreadable ({why}) and could not be moved aside ({error.strerror});"
            " hosts added now are not saved"
        )
        moved = False
    else:
        warning = f"hosts file {path} is unreadable ({why}); kept as {aside.name}, starting with no hosts"
        moved = True
    log.warning("%s", warning)
    return warning, moved


def save_hosts(hosts: Sequence[str], path: Path | None = None) -> None:
    """Write the list whole (atomically: a crash never leaves half a file)."""
    doc = {"schema": HOSTS_SCHEMA, "hosts": list(hosts)}
    with atomic_text_writer(path or hosts_path()) as handle:
        json.dump(doc, handle, indent=2)
        handle.write("\n")
