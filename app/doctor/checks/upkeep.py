"""Upkeep and security: never fail a machine, say what was read and how to fix it, skip what was not read."""

from __future__ import annotations

from datetime import date

from app.doctor.checks.common import Fix, driver_of, upgrade_driver_fix, why_missing
from app.doctor.knowledge import Knowledge
from app.doctor.records import Facts, Finding
from app.doctor.versions import branch_of

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def driver_branch_eol(facts: Facts, knowledge: Knowledge, today: date) -> list[Finding]:
    """The driver's branch against NVIDIA's lifecycle tables: past its end of life, supported, or short-lived."""
    driver = driver_of(facts)
    if driver is None:
        return []
    branch = branch_of(driver, facts.os)
    title = f"Driver branch R{branch} support"
    current = knowledge.current_lifecycle
    listed = ", ".join(f"R{b}" for b in current.branches)
    upgrade = upgrade_driver_fix(facts, knowledge, None)
    move = Fix(f"move to a supported branch ({listed}): {upgrade.words}", upgrade.command)
    row = next((b for b in knowledge.branches if b.branch == branch), None)
    if row is not None:
        year, month = row.end_of_life
        ends = f"{_MONTHS[month - 1]} {year}"
        if (today.year, today.month) > (year, month):
            detail = (
                f"driver {driver}: R{branch} ({row.designation}) reached end of life in {ends} ({row.cited.source}):"
                " no more security fixes"
            )
            return [Finding("upkeep.driver_eol", "warn", title, detail, move.words, move.command)]
        return [
            Finding(
                "upkeep.driver_eol",
                "pass",
                title,
                f"R{branch} ({row.designation}) is supported until the end of {ends}",
            )
        ]
    if branch < min(current.branches):
        detail = (
            f"driver {driver}: R{branch} is not among the supported branches NVIDIA lists ({listed};"
            f" {current.cited.source}, read {current.cited.date}): it is past its end of life"
        )
        return [Finding("upkeep.driver_eol", "warn", title, detail, move.words, move.command)]
    detail = (
        f"driver {driver}: R{branch} is not a Long Term Support or Production branch ({listed}): a short-lived New"
        " Feature Branch without an end-of-life date"
    )
    return [Finding("upkeep.driver_eol", "info", title, detail, move.words, move.command)]


def driver_security(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    """The driver against the fixed version of NVIDIA's latest security bulletin for its branch."""
    driver = driver_of(facts)
    if driver is None:
        return []
    bulletin = knowledge.bulletin
    title = f"Driver {driver} and NVIDIA security bulletin {bulletin.id}"
    fixes = sorted((f for f in knowledge.bulletin_fixes if f.os == facts.os), key=lambda f: f.branch)
    if not fixes:
        return [Finding("upkeep.driver_security", "skip", title, f"the bulletin lists no {facts.os} drivers")]
    about = f"{bulletin.title}, {bulletin.published}, {bulletin.url}"
    branch = branch_of(driver, facts.os)
    same = next((f for f in fixes if f.branch == branch), None)
    if same is not None:
        if driver >= same.fixed_version:
            return [
                Finding(
                    "upkeep.driver_security",
                    "pass",
                    title,
                    f"driver {driver} >= {same.fixed_version}, the R{same.branch} fix ({about})",
                )
            ]
        fix = upgrade_driver_fix(facts, knowledge, same.fixed_version)
        return [
            Finding(
                "upkeep.driver_security",
                "warn",
                title,
                f"driver {driver} < {same.fixed_version}, the first R{same.branch} driver with the fixes of {about}",
                fix.words,
                fix.command,
            )
        ]
    if branch > fixes[-1].branch:
        return [
            Finding("upkeep.driver_security", "pass", title, f"branch R{branch} is newer than every branch in {about}")
        ]
    newer = next(f for f in fixes if f.branch > branch)
    fix = upgrade_driver_fix(facts, knowledge, newer.fixed_version)
    return [
        Finding(
            "upkeep.driver_security",
            "warn",
            title,
            f"the bulletin lists no fix for R{branch}: NVIDIA says to move to a listed branch; the nearest is"
            f" R{newer.branch} >= {newer.fixed_version} ({about})",
            fix.words,
            fix.command,
        )
    ]


def system_upkeep(facts: Facts) -> list[Finding]:
    """OS updates, firewall, SSH password logins and the data folder's disk: info or warn, never fail."""
    return [_os_updates(facts), _firewall(facts), _ssh(facts), _data_encryption(facts)]


def _os_updates(facts: Facts) -> Finding:
    title = "OS security updates"
    updates = facts.system.pending_security_updates
    if updates is None:
        return Finding(
            "upkeep.os_updates", "skip", title, f"not read: {why_missing(facts, 'system.pending_security_updates')}"
        )
    if updates == 0:
        return Finding("upkeep.os_updates", "pass", title, "no security updates pending")
    if facts.os == "windows":
        fix = Fix("install them: Settings > Windows Update > Check for updates", "start ms-settings:windowsupdate")
    else:
        fix = Fix(
            "install them with your distribution's updater (the command is for Ubuntu and Debian; Fedora: sudo dnf"
            " upgrade --security)",
            "sudo apt update && sudo apt upgrade",
        )
    return Finding("upkeep.os_updates", "warn", title, f"{updates} security update(s) pending", fix.words, fix.command)


def _firewall(facts: Facts) -> Finding:
    if facts.os == "windows":
        fix = Fix(
            "turn the firewall on: Windows Security > Firewall & network protection, or the command in an"
            " administrator PowerShell",
            "Set-NetFirewallProfile -All -Enabled True",
        )
    else:
        fix = Fix(
            "turn on ufw, allowing SSH first so a remote session is not cut off (Fedora and RHEL: sudo systemctl"
            " enable --now firewalld)",
            "sudo ufw allow OpenSSH && sudo ufw enable",
        )
    return _flag(
        facts,
        "upkeep.firewall",
        "Firewall",
        facts.system.firewall_active,
        "system.firewall_active",
        good=True,
        good_text="a firewall is active",
        bad_text="no active firewall",
        fix=fix,
    )


def _ssh(facts: Facts) -> Finding:
    if facts.system.ssh_password_login is None and facts.system.ssh_server_installed is False:
        return Finding(
            "upkeep.ssh_password",
            "pass",
            "SSH password login",
            "no SSH server (sshd) is installed: nothing accepts SSH logins",
        )
    fix = Fix(
        "after a key login works, turn password logins off and reload the SSH server (its service is ssh on"
        " Ubuntu and Debian, sshd on Fedora); the file sorts first among sshd_config.d's, and sshd keeps the"
        " first value it reads",
        "echo 'PasswordAuthentication no' | sudo tee /etc/ssh/sshd_config.d/00-no-passwords.conf"
        " && sudo systemctl reload ssh",
    )
    return _flag(
        facts,
        "upkeep.ssh_password",
        "SSH password login",
        facts.system.ssh_password_login,
        "system.ssh_password_login",
        good=False,
        good_text="SSH accepts keys only",
        bad_text="the SSH server accepts passwords",
        fix=fix,
    )


def _data_encryption(facts: Facts) -> Finding:
    title = "Data folder encryption"
    system = facts.system
    folder = f"the data folder {system.data_folder}" if system.data_folder else "the data folder"
    device = f" ({system.data_device})" if system.data_device else ""
    if system.data_folder_encrypted is None:
        return Finding(
            "upkeep.data_encryption", "skip", title, f"not read: {why_missing(facts, 'system.data_folder_encrypted')}"
        )
    if system.data_folder_encrypted:
        return Finding("upkeep.data_encryption", "pass", title, f"{folder} is on an encrypted disk{device}")
    words = (
        "turn on BitLocker for that drive (Settings > Privacy & security > Device encryption, or Control Panel >"
        " BitLocker Drive Encryption)"
        if facts.os == "windows"
        else "keep models and data on a LUKS-encrypted disk or partition (the installer's encryption option, or"
        " cryptsetup luksFormat on a new, empty disk: it erases that disk), then point AIWM_HOME there"
    )
    return Finding(
        "upkeep.data_encryption",
        "info",
        title,
        f"{folder} is on an unencrypted disk{device}: no encryption layer (dm-crypt/LUKS) under it",
        words,
    )


def _flag(
    facts: Facts,
    finding_id: str,
    title: str,
    value: bool | None,
    path: str,
    *,
    good: bool,
    good_text: str,
    bad_text: str,
    fix: Fix,
) -> Finding:
    if value is None:
        return Finding(finding_id, "skip", title, f"not read: {why_missing(facts, path)}")
    if value == good:
        return Finding(finding_id, "pass", title, good_text)
    return Finding(finding_id, "warn", title, bad_text, fix.words, fix.command)
