"""Whether the SSH server accepts password logins, from its configuration as sshd reads it.

sshd keeps the first value it obtains for a keyword; `Include` inserts files (a glob, sorted,
relative paths under /etc/ssh) where it stands, inside a `Match` block too (then the whole
file applies only to that match); a `Match` block applies only to the connections
it matches and lasts until the next `Match` or the end of its file. A password login allowed for
some connections (a Match block saying yes) counts as allowed. PasswordAuthentication defaults to
yes (sshd_config(5)).
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

SSHD_PROGRAMS = ("usr/sbin/sshd", "usr/bin/sshd", "usr/local/sbin/sshd")
MAX_INCLUDE_DEPTH = 8


@dataclass(frozen=True)
class SshAnswer:
    """`password_login` is None when it is unknown or does not apply; `why` then says which."""

    password_login: bool | None
    why: str | None = None
    installed: bool = True  # False: no sshd and no configuration, so nothing accepts SSH logins


@dataclass
class _Reading:
    global_value: bool | None = None
    match_allows: bool = False
    unreadable: str | None = None  # the first file that could not be read before the answer was known


def ssh_password_login(root: Path) -> SshAnswer:
    """Read `<root>/etc/ssh/sshd_config` and what it includes."""
    config = root / "etc" / "ssh" / "sshd_config"
    if not config.exists() and not any((root / program).exists() for program in SSHD_PROGRAMS):
        return SshAnswer(None, "no SSH server (sshd) is installed", installed=False)
    reading = _Reading()
    _read_file(config, root, reading, depth=0)
    if reading.global_value is not None:
        return SshAnswer(reading.global_value or reading.match_allows)
    if reading.unreadable is not None:
        return SshAnswer(None, f"cannot read {reading.unreadable} (it needs root): password login unknown")
    return SshAnswer(True)  # not set anywhere: sshd's default is yes


def _read_file(path: Path, root: Path, reading: _Reading, depth: int, in_match: bool = False) -> None:
    """`in_match`: the file is included inside a Match block, so all of it applies only to that match."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        if reading.unreadable is None and reading.global_value is None:
            reading.unreadable = str(path)
        return
    for line in lines:
        keyword, _, value = line.strip().replace("=", " ", 1).partition(" ")
        keyword, value = keyword.lower(), value.strip()
        if not keyword or keyword.startswith("#"):
            continue
        if keyword == "match":
            in_match = value.split()[:1] != ["all"] if value else False
        elif keyword == "include" and depth < MAX_INCLUDE_DEPTH:  # inside a Match: a conditional inclusion
            for included in _included(value, root):
                _read_file(included, root, reading, depth + 1, in_match)
        elif keyword == "passwordauthentication":
            _note(reading, value.split()[0].lower() == "yes" if value else None, in_match)


def _note(reading: _Reading, allows: bool | None, in_match: bool) -> None:
    if allows is None:
        return
    if in_match:
        reading.match_allows = reading.match_allows or allows
    elif reading.global_value is None and reading.unreadable is None:
        reading.global_value = allows


def _included(value: str, root: Path) -> list[Path]:
    """The files an Include names: each word a glob, relative ones under /etc/ssh, sorted."""
    files: list[Path] = []
    for word in value.split():
        pattern = word if word.startswith("/") else f"/etc/ssh/{word}"
        files += sorted(Path(match) for match in glob.glob(str(root) + pattern))
    return files
