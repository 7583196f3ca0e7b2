"""Upkeep and security: the driver branch's end of life and NVIDIA's latest bulletin, OS updates,
firewall, SSH passwords, disk encryption; info or warn, never fail, skip with the reason."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from app.doctor.records import SystemFacts
from app.doctor.rules import evaluate
from tests.doctor.helpers import BULLETIN_5861, LIFECYCLE_615, LIFECYCLE_620, TODAY, facts, found, one


@pytest.mark.parametrize(
    ("driver", "today", "status", "said", "source"),
    [
        ("535.288.01", TODAY, "warn", "June 2026", LIFECYCLE_615),  # R535 LTSB ended June 2026
        ("535.288.01", date(2026, 6, 30), "pass", "June 2026", LIFECYCLE_615),  # still inside its last month
        ("580.95.05", TODAY, "pass", "June 2028", LIFECYCLE_620),
        ("595.91.07", TODAY, "pass", "March 2027", LIFECYCLE_620),
        ("610.57.04", TODAY, "warn", "August 2026", LIFECYCLE_615),  # a New Feature Branch, ended
        ("570.172.08", TODAY, "warn", "R580, R595, R620", LIFECYCLE_620),  # not among the supported branches
        ("590.48.01", TODAY, "info", "New Feature Branch", LIFECYCLE_620),
    ],
)
def test_driver_branch_end_of_life(driver, today, status, said, source) -> None:
    finding = next(
        f for f in evaluate(facts(nvidia_driver=driver), today=today).findings if f.id == "upkeep.driver_eol"
    )
    assert finding.status == status and said in finding.detail, (finding, source)


@pytest.mark.parametrize(
    ("os_name", "driver", "status", "said"),
    [
        ("linux", "580.159.03", "warn", "580.159.03 < 580.178.04"),
        ("linux", "580.178.04", "pass", "580.178.04 >= 580.178.04"),
        ("linux", "595.71.05", "warn", "< 595.91.07"),
        ("linux", "615.71.09", "pass", "615.71.09"),
        ("linux", "570.172.08", "warn", "R580 >= 580.178.04"),  # no fix for R570: the nearest listed branch
        ("linux", "590.48.01", "warn", "R595 >= 595.91.07"),
        ("linux", "620.10", "pass", "newer than every branch"),
        ("windows", "582.53", "warn", "582.53 < 582.78"),
        ("windows", "582.78", "pass", "582.78"),
        ("windows", "596.36", "warn", "596.36 < 596.86"),
        ("windows", "566.36", "warn", "R580 >= 582.78"),
    ],
)
def test_driver_against_the_latest_security_bulletin(os_name, driver, status, said) -> None:
    finding = one(facts(os=os_name, nvidia_driver=driver), "upkeep.driver_security")
    assert finding.status == status and said in finding.detail, (finding, BULLETIN_5861)
    assert "5861" in finding.title


def test_updates_firewall_ssh_and_encryption_say_what_was_read() -> None:
    the_facts = facts(
        system=SystemFacts(
            firewall_active=False, ssh_password_login=True, pending_security_updates=7, data_folder_encrypted=False
        )
    )
    assert one(the_facts, "upkeep.os_updates").detail.startswith("7 security update")
    assert "ufw enable" in (one(the_facts, "upkeep.firewall").fix_command or "")
    assert "PasswordAuthentication no" in (one(the_facts, "upkeep.ssh_password").fix_command or "")
    assert one(the_facts, "upkeep.data_encryption").status == "info"


def test_what_could_not_be_read_is_skipped_with_the_gatherers_reason() -> None:
    the_facts = facts(system=SystemFacts(), missing=(("system.firewall_active", "nft needs root"),))
    finding = one(the_facts, "upkeep.firewall")
    assert finding.status == "skip" and "nft needs root" in finding.detail
    assert {f.status for f in found(the_facts, "upkeep.os_updates") + found(the_facts, "upkeep.ssh_password")} == {
        "skip"
    }


def test_windows_gets_windows_fixes() -> None:
    the_facts = facts(os="windows", nvidia_driver="582.78", system=SystemFacts(False, None, 2, False))
    assert "Windows Update" in (one(the_facts, "upkeep.os_updates").fix or "")
    assert "BitLocker" in (one(the_facts, "upkeep.data_encryption").fix or "")


@pytest.mark.parametrize(
    "values", list(itertools.product([True, False, None], [True, False, None], [0, 3, None], [True, False, None]))
)
def test_upkeep_never_fails_a_machine(values) -> None:
    the_facts = facts(nvidia_driver="470.42.01", system=SystemFacts(*values))
    upkeep = [f for f in evaluate(the_facts, today=TODAY).findings if f.id.startswith("upkeep.")]
    assert upkeep and all(f.status in ("pass", "info", "warn", "skip") for f in upkeep)


def test_the_unencrypted_data_folder_and_its_device_are_named() -> None:
    system = SystemFacts(True, False, 0, False, data_folder="/home/ana/.local/share/aiwm", data_device="/dev/sda1")
    finding = one(facts(system=system), "upkeep.data_encryption")
    assert finding.status == "info" and finding.detail == (
        "the data folder /home/ana/.local/share/aiwm is on an unencrypted disk (/dev/sda1): no encryption layer"
        " (dm-crypt/LUKS) under it"
    )


def test_no_ssh_server_installed_passes_the_ssh_check() -> None:
    system = SystemFacts(True, None, 0, True, ssh_server_installed=False)
    finding = one(facts(system=system, missing=(("system.ssh_password_login", "no sshd"),)), "upkeep.ssh_password")
    assert (
        finding.status == "pass" and finding.detail == "no SSH server (sshd) is installed: nothing accepts SSH logins"
    )
