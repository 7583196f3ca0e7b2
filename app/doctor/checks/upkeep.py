"""Upkeep and security: never fail a machine, say what was read and how to fix it, skip what was not read."""

from __future__ import annotations

from datetime import date

from app.doctor.checks.common import driver_of, upgrade_driver_fix, why_missing
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
    move = (
        f"move to a supported branch ({listed}): Ubuntu `sudo ubuntu-drivers install`, or"
        " https://www.nvidia.com/en-us/drivers/; then reboot"
    )
    row = next((b for b in knowledge.branches if b.branch == branch), None)
    if row is not None:
        year, month = row.end_of_life
        ends = f"{_MONTHS[month - 1]} {year}"
        if (today.year, today.month) > (year, month):
            detail = (
                f"driver {driver}: R{branch} ({row.designation}) reached end of life in {ends} ({row.cited.source}):"
                " no more security fixes"
            )
            return [Finding("upkeep.driver_eol", "warn", title, detail, move)]
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
        return [Finding("upkeep.driver_eol", "warn", title, detail, move)]
    detail = (
        f"driver {driver}: R{branch} is not a Long Term Support or Production branch ({listed}): a short-lived New"
        " Feature Branch without an end-of-life date"
    )
    return [Finding("upkeep.driver_eol", "info", title, detail, move)]


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
        return [
            Finding(
                "upkeep.driver_security",
                "warn",
                title,
                f"driver {driver} < {same.fixed_version}, the first R{same.branch} driver with the fixes of {about}",
                upgrade_driver_fix(facts.os, same.fixed_version),
            )
        ]
    if branch > fixes[-1].branch:
        return [
            Finding("upkeep.driver_security", "pass", title, f"branch R{branch} is newer than every branch in {about}")
        ]
    newer = next(f for f in fixes if f.branch > branch)
    return [
        Finding(
            "upkeep.driver_security",
            "warn",
            title,
            f"the bulletin lists no fix for R{branch}: NVIDIA says to move to a listed branch; the nearest is"
            f" R{newer.branch} >= {newer.fixed_version} ({about})",
            upgrade_driver_fix(facts.os, newer.fixed_version),
        )
    ]


def system_upkeep(facts: Facts) -> list[Finding]:
    system = facts.system
    windows = facts.os == "windows"
    findings = []
    updates = system.pending_security_updates
    if updates is None:
        findings.append(
            Finding(
                "upkeep.os_updates",
                "skip",
                "OS security updates",
                f"not read: {why_missing(facts, 'system.pending_security_updates')}",
            )
        )
    elif updates == 0:
        findings.append(Finding("upkeep.os_updates", "pass", "OS security updates", "no security updates pending"))
    else:
        fix = (
            "Settings > Windows Update > Check for updates"
            if windows
            else "sudo apt update && sudo apt upgrade (or your distribution's updater)"
        )
        findings.append(
            Finding("upkeep.os_updates", "warn", "OS security updates", f"{updates} security update(s) pending", fix)
        )
    findings.append(
        _flag(
            facts,
            "upkeep.firewall",
            "Firewall",
            system.firewall_active,
            "system.firewall_active",
            good=True,
            good_text="a firewall is active",
            bad_text="no active firewall",
            fix="Windows Security > Firewall & network protection: turn it on"
            if windows
            else "sudo ufw allow OpenSSH && sudo ufw enable",
        )
    )
    findings.append(
        _flag(
            facts,
            "upkeep.ssh_password",
            "SSH password login",
            system.ssh_password_login,
            "system.ssh_password_login",
            good=False,
            good_text="SSH accepts keys only",
            bad_text="the SSH server accepts passwords",
            fix=(
                "after a key login works: set `PasswordAuthentication no` in /etc/ssh/sshd_config, then sudo"
                " systemctl reload ssh"
            ),
        )
    )
    encrypted = system.data_folder_encrypted
    if encrypted is None:
        findings.append(
            Finding(
                "upkeep.data_encryption",
                "skip",
                "Data folder encryption",
                f"not read: {why_missing(facts, 'system.data_folder_encrypted')}",
            )
        )
    elif encrypted:
        findings.append(
            Finding(
                "upkeep.data_encryption", "pass", "Data folder encryption", "the data folder is on an encrypted disk"
            )
        )
    else:
        fix = (
            "turn on BitLocker (Settings > Privacy & security > Device encryption)"
            if windows
            else "keep models and data on a LUKS-encrypted disk (cryptsetup; most installers offer it)"
        )
        findings.append(
            Finding(
                "upkeep.data_encryption",
                "info",
                "Data folder encryption",
                "the data folder is on an unencrypted disk",
                fix,
            )
        )
    return findings


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
    fix: str,
) -> Finding:
    if value is None:
        return Finding(finding_id, "skip", title, f"not read: {why_missing(facts, path)}")
    if value == good:
        return Finding(finding_id, "pass", title, good_text)
    return Finding(finding_id, "warn", title, bad_text, fix)
