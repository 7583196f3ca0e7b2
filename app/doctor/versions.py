"""Version strings as the doctor compares them: "535.104.05", "12.4", "9.1.0.70", "2.5.1+cu124".

A string that is not a version is bad input (a facts file someone edited), so it is a `UserError`
with one line naming the field, never a silent "unknown".
"""

from __future__ import annotations

import re
from functools import total_ordering

from app.core.errors import UserError

_VERSION = re.compile(r"^\d{1,6}(\.\d{1,9}){0,4}$")
_LOCAL = re.compile(r"^([^+]+)(\+[A-Za-z0-9_.]+)?$")  # PyTorch's local part: 2.5.1+cu124


@total_ordering
class Version:
    """A dotted version; missing parts count as zero (12.4 == 12.4.0), so 12.4 < 12.4.1."""

    __slots__ = ("parts", "text")

    def __init__(self, parts: tuple[int, ...], text: str) -> None:
        self.parts = parts
        self.text = text

    def _key(self) -> tuple[int, ...]:
        return self.parts + (0,) * (5 - len(self.parts))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Version({self.text!r})"

    def __str__(self) -> str:
        return self.text

    @property
    def major(self) -> int:
        return self.parts[0]

    @property
    def minor(self) -> int:
        return self.parts[1] if len(self.parts) > 1 else 0

    def major_minor(self) -> Version:
        """12.4.1 -> 12.4: the CUDA release a build belongs to."""
        return Version((self.major, self.minor), f"{self.major}.{self.minor}")


def parse_version(text: object, what: str = "version") -> Version:
    """Parse "12.4", "535.104.05" or "2.5.1+cu124"; anything else is a `UserError` naming `what`."""
    if not isinstance(text, str):
        raise UserError(f'{what}: {text!r} is not a version (expected text such as "12.4")')
    local = _LOCAL.match(text.strip())
    core = local.group(1) if local else ""
    core = re.sub(r"(a|b|rc|\.dev|\.post)\d*$", "", core)  # pre-releases compare as their release
    if not _VERSION.match(core):
        raise UserError(f"{what}: {_shown(text)} {_why_not_a_version(core)}")
    return Version(tuple(int(part) for part in core.split(".")), text.strip())


def _why_not_a_version(core: str) -> str:
    """Why `core` is refused: numbers and dots of the wrong size are told apart from other text."""
    if re.fullmatch(r"\d+(\.\d+)*", core):
        parts = core.split(".")
        if len(parts) > 5:
            return f"has {len(parts)} parts: too many for a version (at most 5, such as 535.104.05)"
        return "has a part too long for a version (at most 6 digits first, 9 after a dot)"
    return 'is not a version (expected numbers and dots, such as "12.4")'


def _shown(text: str) -> str:
    """The refused text as the message shows it: quoted, and cut short when it is long."""
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "…"


def parse_compute_capability(text: object, what: str = "compute_capability") -> Version:
    """A compute capability "8.9": exactly major.minor."""
    version = parse_version(text, what)
    if len(version.parts) != 2:
        raise UserError(f'{what}: {text!r} is not a compute capability (expected major.minor, such as "8.9")')
    return version


def branch_of(driver: Version, os_name: str) -> int:
    """The driver branch: Linux 535.104.05 -> R535. Windows numbers run ahead of their branch
    (R580 ships 580.88 to 582.xx, R565 ships 566.36), and branches from R450 on are multiples of 5,
    so a Windows version rounds down to the multiple of 5."""
    if os_name == "windows" and driver.major >= 450:
        return driver.major - driver.major % 5
    return driver.major
