"""Upkeep and security facts readable without root: an active firewall, pending security
updates, and whether the data folder sits on an encrypted disk. Each reader returns its value
or None with the reason.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.proc import CommandResult, run_command

Runner = Callable[[list[str], float], CommandResult]
Answer = tuple[Any, str | None]  # (value, why it is None)
COMMAND_TIMEOUT_S = 10.0
APT_TIMEOUT_S = 30.0


def ufw_enabled(root: Path) -> bool | None:
    """ufw's own switch in /etc/ufw/ufw.conf (ENABLED=yes), readable by everyone; None without ufw."""
    try:
        text = (root / "etc" / "ufw" / "ufw.conf").read_text(errors="replace")
    except OSError:
        return None
    match = re.search(r"^\s*ENABLED\s*=\s*(\S+)", text, re.MULTILINE)
    return match is not None and match.group(1).strip("\"'").lower() == "yes"


def firewalld_active(run: Runner) -> bool | None:
    """`systemctl is-active firewalld`: "active" or not; None where systemd cannot be asked."""
    active: bool | None = firewalld_answer(run)[0]
    return active


def firewalld_answer(run: Runner) -> Answer:
    """Whether firewalld is active, or why that is unknown."""
    result = run(["systemctl", "is-active", "firewalld"], COMMAND_TIMEOUT_S)
    state = result.stdout.strip()
    if result.problem:
        return None, f"firewalld not asked: {result.problem}"
    if state not in ("active", "inactive", "failed", "unknown", "activating", "deactivating"):
        said = state or (result.stderr.strip().splitlines() or ["no output"])[0]
        return None, f"systemctl gave no state for firewalld ({said[:80]})"
    return state == "active", None


def nftables_has_rules(run: Runner) -> bool | None:
    """A non-empty nftables ruleset counts as a firewall; None when it cannot be read (it needs root)."""
    has_rules: bool | None = nftables_answer(run)[0]
    return has_rules


def nftables_answer(run: Runner, is_root: bool | None = None) -> Answer:
    """Whether the nftables ruleset has chains, or why it was not read: nft missing, or (not root)
    the permission it needs, or (as root) nft's own error."""
    result = run(["nft", "list", "ruleset"], COMMAND_TIMEOUT_S)
    if result.problem:
        return None, result.problem  # "nft is not installed", or a time-out
    if result.returncode != 0:
        root = is_root if is_root is not None else _is_root()
        said = result.stderr.strip().splitlines()[:1]
        if root:
            return None, f"nft list ruleset failed (exit {result.returncode}): {said[0][:120] if said else 'no output'}"
        return None, "the nftables ruleset needs root to read"
    return "chain" in result.stdout, None


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def windows_firewall_on(run: Runner) -> bool | None:
    """`netsh advfirewall show allprofiles state`: on when any profile's State is ON."""
    result = run(["netsh", "advfirewall", "show", "allprofiles", "state"], COMMAND_TIMEOUT_S)
    states = re.findall(r"^State\s+(ON|OFF)\s*$", result.stdout, re.MULTILINE | re.IGNORECASE)
    return None if result.problem or not states else any(state.upper() == "ON" for state in states)


def firewall_active(root: Path, run: Runner = run_command, windows: bool = os.name == "nt") -> Answer:
    """Whether a firewall is active: any reader saying yes wins; no only when one could tell."""
    if windows:
        on = windows_firewall_on(run)
        return on, None if on is not None else "netsh advfirewall gave no profile state"
    ufw = ufw_enabled(root)
    firewalld, firewalld_why = firewalld_answer(run)
    nftables, nftables_why = nftables_answer(run)
    answers = [ufw, firewalld, nftables]
    if any(answers):
        return True, None
    if any(answer is False for answer in answers):
        return False, None
    return None, f"no ufw configuration; {firewalld_why}; nftables: {nftables_why}"


# /var/lib/update-notifier/updates-available (Ubuntu's motd), e.g.
#   "5 updates can be applied immediately.\n2 of these updates are standard security updates."
#   "12 packages can be updated.\n3 updates are security updates."  (older releases)
_SECURITY = re.compile(r"(\d+)\s+(?:of these\s+)?updates?\s+(?:are|is)\s+(?:a\s+)?(?:standard\s+)?security updates?")
_ANY_UPDATES = re.compile(r"(\d+)\s+(?:updates?|packages?)\s+can be (?:applied|updated|installed)")


def count_from_notifier(text: str) -> int | None:
    """Security updates counted by update-notifier's file; None when the text counts nothing."""
    match = _SECURITY.search(text)
    if match:
        return int(match.group(1))
    return 0 if _ANY_UPDATES.search(text) else None


def count_from_apt(stdout: str) -> int:
    """`apt-get -s upgrade`: the packages it would install from a -security suite ("Inst ... jammy-security ...")."""
    return sum(1 for line in stdout.splitlines() if line.startswith("Inst ") and "-security" in line)


def pending_security_updates(root: Path, run: Runner = run_command, windows: bool = os.name == "nt") -> Answer:
    """How many security updates wait: update-notifier's count, else apt-get's simulation."""
    if windows:
        return None, "Windows Update is not read (it needs the Windows Update agent)"
    try:
        counted = count_from_notifier((root / "var" / "lib" / "update-notifier" / "updates-available").read_text())
        if counted is not None:
            return counted, None
    except OSError:
        pass
    result = run(["apt-get", "-s", "-o", "Debug::NoLocking=1", "upgrade"], APT_TIMEOUT_S)
    if result.problem:
        return None, f"cannot count pending updates: {result.problem} (only apt systems are read)"
    if result.returncode != 0:
        return None, f"apt-get -s upgrade failed (exit {result.returncode}): {result.stderr.strip()[:120]}"
    return count_from_apt(result.stdout), None


def data_folder_encrypted(folder: Path, run: Runner = run_command, windows: bool = os.name == "nt") -> Answer:
    """Whether the disk under `folder` has a dm-crypt (LUKS) layer, from lsblk's device tree."""
    encrypted, _, why = data_folder_disk(folder, run, windows)
    return encrypted, why


def data_folder_disk(
    folder: Path, run: Runner = run_command, windows: bool = os.name == "nt"
) -> tuple[bool | None, str | None, str | None]:
    """(encrypted, the device that holds `folder`, why unknown): one lsblk call answers both."""
    if windows:
        return None, None, "BitLocker's state needs an administrator (manage-bde -status)"
    result = run(["lsblk", "-J", "-o", "NAME,PATH,TYPE,MOUNTPOINTS,FSTYPE"], COMMAND_TIMEOUT_S)
    if result.problem or result.returncode != 0:
        why = result.problem or f"lsblk failed (exit {result.returncode}): {result.stderr.strip()[:120]}"
        return None, None, why
    try:
        devices = json.loads(result.stdout)["blockdevices"]
    except (ValueError, KeyError, TypeError):
        return None, None, "lsblk -J gave no device tree"
    return device_under(devices, os.path.realpath(folder))


def encrypted_under(devices: list[Any], path: str) -> Answer:
    """(True if the device mounted deepest above `path` or one it sits on is a crypt layer, None if none holds it)."""
    encrypted, _, why = device_under(devices, path)
    return encrypted, why


def device_under(devices: list[Any], path: str) -> tuple[bool | None, str | None, str | None]:
    """The device mounted deepest above `path`: whether it (or one it sits on) is a crypt layer, and its path."""
    best: tuple[int, bool, str] | None = None
    for mountpoint, encrypted, device in _mounts(devices, inherited=False):
        if _contains(mountpoint, path) and (best is None or len(mountpoint) > best[0]):
            best = (len(mountpoint), encrypted, device)
    if best is None:
        return None, None, f"no block device lsblk lists holds {path} (a network, tmpfs or overlay mount)"
    return best[1], best[2], None


def _mounts(devices: list[Any], inherited: bool) -> list[tuple[str, bool, str]]:
    out: list[tuple[str, bool, str]] = []
    for device in devices if isinstance(devices, list) else []:
        if not isinstance(device, dict):
            continue
        encrypted = inherited or device.get("type") == "crypt" or device.get("fstype") == "crypto_LUKS"
        points = device.get("mountpoints") or [device.get("mountpoint")]
        out += [(point, encrypted, _device_path(device)) for point in points if isinstance(point, str) and point]
        out += _mounts(device.get("children") or [], encrypted)
    return out


def _device_path(device: dict[str, Any]) -> str:
    """lsblk's PATH column ("/dev/nvme0n1p2"), else /dev/NAME, /dev/mapper/NAME for device-mapper
    layers (LVM, dm-crypt): older lsblk has no PATH column."""
    path = device.get("path")
    if isinstance(path, str) and path:
        return path
    folder = "/dev/mapper" if device.get("type") in ("lvm", "crypt", "dm") else "/dev"
    return f"{folder}/{device.get('name', '?')}"


def _contains(mountpoint: str, path: str) -> bool:
    return path == mountpoint or path.startswith(mountpoint.rstrip("/") + "/")
