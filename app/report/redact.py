"""Redaction: hostnames, user names, home paths, serial numbers, UUIDs, MAC and IP addresses
replaced by placeholders ("host-1", "user-1", "serial-1", "GPU-uuid-1", "mac-1", "ip-1").

The same value always gets the same placeholder, wherever it appears: in its own field, inside
free text (a finding's detail with a /home/ana/... path), in a key. Values come from three
places: the machine itself (hostname, user, home folder), fields named exactly for what they hold
(`serial`, `uuid`, `mac`, `hostname`, `user`, `addresses`, …: never a field whose name merely
contains one of these words, like `machine`, nor the reasons in `missing`), and patterns found in
any text (UUIDs, MAC and IP addresses, /home/<name> paths). One pass over each string with one
regular expression, so a placeholder is never redacted again.

A user name that is also a common word ("root", "admin", "user") is replaced in its own field and
in paths (/root is the home folder), never in prose: "needs root to read" stays readable, and the
word identifies no one.
"""

from __future__ import annotations

import contextlib
import getpass
import ipaddress
import os
import re
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_HEX_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_PATTERNS = {
    "uuid": rf"(?:GPU-|MIG-)?{_HEX_UUID}",
    "mac": r"(?<![0-9A-Za-z:-])[0-9a-fA-F]{2}(?P<mac_sep>[:-])[0-9a-fA-F]{2}"
    r"(?:(?P=mac_sep)[0-9a-fA-F]{2}){4}(?![0-9A-Za-z-]|:[0-9A-Za-z])",
    "ipv6": r"(?<![0-9A-Za-z:.])(?:[0-9a-fA-F]{0,4}:){2,7}(?:[0-9a-fA-F]{0,4}|(?:\d{1,3}\.){3}\d{1,3})"
    r"(?:%\w+(?:\.\w+)*)?(?![0-9A-Za-z]|:[0-9A-Za-z:]|\.\d)",  # "." or ": " may follow
    "ipv4": r"(?<![0-9A-Za-z.])(?:\d{1,3}\.){3}\d{1,3}(?![0-9A-Za-z]|\.\d)",
    "home": r"(?:/home/|/Users/|[A-Za-z]:\\(?i:users)\\|[A-Za-z]:/(?i:users)/)(?P<home_user>[^/\\\s\"'`:;,]+)",
}
_PREFIX = {"host": "host", "user": "user", "home": "home", "serial": "serial", "uuid": "uuid", "mac": "mac", "ip": "ip"}
FIELD_CATEGORY = {  # a field with exactly this name holds a value of that category
    "hostname": "host",
    "host_name": "host",
    "fqdn": "host",
    "serial": "serial",
    "serial_number": "serial",
    "uuid": "uuid",
    "device_uuid": "uuid",
    "gpu_uuid": "uuid",
    "mac": "mac",
    "mac_address": "mac",
    "user": "user",
    "username": "user",
    "user_name": "user",
    "users": "user",  # a list of account names (each item is one)
}
_IP_FIELDS = {"addresses", "address", "ip", "ips", "ip_addresses"}
_REASONS = "missing"  # {path: why}: its values are explanations, never the values themselves
_NOT_VALUES = {"", "n/a", "unknown", "none", "null", "not supported", "[n/a]"}
# account names that are also words: replaced in their own field and in paths, never in prose
COMMON_USER_WORDS = frozenset(
    {"root", "admin", "administrator", "user", "guest", "test", "demo", "student", "operator", "nobody", "daemon",
     "ubuntu", "debian", "pi", "dev", "developer", "build", "runner", "docker", "jenkins", "vagrant", "owner"}
)  # fmt: skip


class Redactor:
    """Replaces sensitive values in text consistently; `known` seeds it with literal values."""

    def __init__(self, known: Iterable[tuple[str, str]] = ()) -> None:
        self._placeholders: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}
        self._literals: dict[str, str] = {}  # value -> category
        for category, value in known:
            self.add(category, value)
        self._regex: re.Pattern[str] | None = None

    def add(self, category: str, value: str) -> None:
        """Treat `value` (a hostname, user name, serial, …) as sensitive wherever it appears
        (a user name that is a common word: only in its own field, see `field`)."""
        value = value.strip()
        if value.lower() in _NOT_VALUES or value.startswith(("GPU-uuid-", "MIG-uuid-", f"{_PREFIX[category]}-")):
            return
        if category == "user" and value.lower() in COMMON_USER_WORDS:
            return
        self._literals.setdefault(value, category)
        self._regex = None

    def field(self, category: str, value: str) -> str:
        """The placeholder of a whole field's value (the `user` field "root" too); IP fields by pattern."""
        if value.strip().lower() in _NOT_VALUES or (category == "ip" and not _is_ip(value)):
            return self.text(value)
        return self.placeholder(category, value.strip())

    def placeholder(self, category: str, value: str) -> str:
        """The placeholder of `value`: the same for the same value, numbered in order of first sight."""
        key = (category, _normal(category, value))
        if key not in self._placeholders:
            self._counts[category] = self._counts.get(category, 0) + 1
            number = self._counts[category]
            self._placeholders[key] = _shape(category, value, number)
        return self._placeholders[key]

    def text(self, text: str) -> str:
        """`text` with every sensitive value in it replaced."""
        return self._pattern().sub(self._replace, text)

    def _pattern(self) -> re.Pattern[str]:
        if self._regex is None:
            literals = sorted(self._literals, key=len, reverse=True)  # /home/ana before ana
            alternatives = [rf"(?P<{name}>{pattern})" for name, pattern in _PATTERNS.items()]
            if literals:
                # a hostname in any case: DNS names are case-insensitive (WORKSTATION-7 in a log)
                words = "|".join(
                    rf"(?i:{re.escape(v)})" if self._literals[v] == "host" else re.escape(v) for v in literals
                )
                alternatives.insert(0, rf"(?P<literal>(?<![0-9A-Za-z_])(?:{words})(?![0-9A-Za-z_]))")
            self._regex = re.compile("|".join(alternatives))
        return self._regex

    def _replace(self, match: re.Match[str]) -> str:
        kind, found = match.lastgroup or "", match.group(0)
        if match.group("home_user") is not None and kind != "literal":
            user = match.group("home_user")
            return found[: match.start("home_user") - match.start()] + self.placeholder("user", user)
        if kind == "literal":
            return self.placeholder(self._literals.get(found, "host"), found)  # not as written: a hostname
        if kind in ("ipv4", "ipv6"):
            if kind == "ipv6" and found.endswith(":") and not _is_ip(found) and _is_ip(found[:-1]):
                return self.placeholder("ip", found[:-1]) + ":"  # "2001:db8::5: unreachable"
            return self.placeholder("ip", found) if _is_ip(found) else found
        return self.placeholder(kind, found)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return False
    return True


def _normal(category: str, value: str) -> str:
    """One spelling per value: MACs in lower case with colons, IPs as `ipaddress` writes them."""
    if category == "mac":
        return value.lower().replace("-", ":")
    if category == "ip" and _is_ip(value):
        return str(ipaddress.ip_address(value.split("%")[0]))
    if category in ("uuid", "host"):
        return value.lower()
    return value


def _shape(category: str, value: str, number: int) -> str:
    if category == "uuid":
        head = value[:4].upper()
        return f"{head}uuid-{number}" if head in ("GPU-", "MIG-") else f"uuid-{number}"
    return f"{_PREFIX[category]}-{number}"


def machine_identity() -> list[tuple[str, str]]:
    """This machine's hostname (short and full), user name and home folder, as redaction seeds."""
    found: list[tuple[str, str]] = []
    for name in {socket.gethostname(), socket.getfqdn()}:
        found += [("host", name), ("host", name.split(".")[0])]
    for getter in (getpass.getuser, lambda: os.environ.get("USER", ""), lambda: os.environ.get("LOGNAME", "")):
        with contextlib.suppress(OSError, KeyError):  # getuser: OSError without a user database entry
            found.append(("user", getter()))
    home = str(Path.home())
    if home not in ("/", "") and not re.fullmatch(_PATTERNS["home"], home):
        found.append(("home", home))
    return found


def field_category(key: str) -> str | None:
    """The category of what a field named exactly `key` holds ("mac" for `mac`, none for `machine`)."""
    lowered = key.lower()
    return "ip" if lowered in _IP_FIELDS else FIELD_CATEGORY.get(lowered)


def collect_fields(value: Any, redactor: Redactor, key: str = "") -> None:
    """Seed `redactor` with the values of fields named for what they hold (serial, uuid, mac, …)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if str(k) != _REASONS:
                collect_fields(v, redactor, str(k))
    elif isinstance(value, list):
        for item in value:
            collect_fields(item, redactor, key)
    elif isinstance(value, str):
        category = field_category(key)
        if category == "ip" and not _is_ip(value):
            return
        if category is not None:
            redactor.add(category, value)


def redact_value(value: Any, redactor: Redactor, key: str = "") -> Any:
    """A copy of `value` (JSON-like) with every string, keys included, redacted; a field named for
    what it holds (`user`, `serial`, …) is replaced whole. `key` is the name of the field `value` is in."""
    if isinstance(value, str):
        category = field_category(key)
        return redactor.field(category, value) if category else redactor.text(value)
    if isinstance(value, dict):
        return {
            redactor.text(str(k)): redact_value(v, redactor, "" if key == _REASONS else str(k))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_value(item, redactor, key) for item in value]
    return value


def redact_document(document: dict[str, Any], extra: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    """The report with every sensitive value replaced consistently, and `"redacted": true`."""
    redactor = Redactor([*machine_identity(), *extra])
    collect_fields(document, redactor)
    redacted = redact_value(document, redactor)
    redacted["redacted"] = True
    return dict(redacted)
