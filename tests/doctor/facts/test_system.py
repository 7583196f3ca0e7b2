"""Upkeep and security facts: firewall (ufw file, firewalld, nftables, Windows), pending security
updates (update-notifier's text, apt-get's simulation) and the data folder's disk encryption."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.proc import CommandResult
from app.doctor.facts.system import (
    count_from_apt,
    count_from_notifier,
    data_folder_disk,
    data_folder_encrypted,
    device_under,
    encrypted_under,
    firewall_active,
    nftables_answer,
    pending_security_updates,
)

from .conftest import answering, write

NO_SYSTEMD = CommandResult(1, "", "System has not been booted with systemd as init system (PID 1). Can't operate.\n")
NFT_DENIED = CommandResult(1, "", "Operation not permitted (you must be root)\n")


def ufw_conf(root: Path, enabled: str) -> None:
    # Ubuntu's /etc/ufw/ufw.conf, shortened
    write(
        root / "etc/ufw/ufw.conf",
        f"# /etc/ufw/ufw.conf\n#\n\n# Set to yes to start on boot.\nENABLED={enabled}\n\nLOGLEVEL=low\n",
    )


def test_ufw_enabled_in_its_file_is_an_active_firewall(tmp_path: Path) -> None:
    ufw_conf(tmp_path, "yes")
    run, _ = answering({"systemctl": NO_SYSTEMD, "nft": NFT_DENIED})
    assert firewall_active(tmp_path, run, windows=False) == (True, None)


def test_ufw_disabled_and_firewalld_inactive_is_no_firewall(tmp_path: Path) -> None:
    ufw_conf(tmp_path, "no")
    run, _ = answering({"systemctl": CommandResult(3, "inactive\n", ""), "nft": NFT_DENIED})
    assert firewall_active(tmp_path, run, windows=False) == (False, None)


def test_firewalld_active_or_an_nftables_ruleset_counts(tmp_path: Path) -> None:
    run, calls = answering({"systemctl": CommandResult(0, "active\n", ""), "nft": NFT_DENIED})
    assert firewall_active(tmp_path, run, windows=False) == (True, None)
    assert ["systemctl", "is-active", "firewalld"] in calls
    ruleset = "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t}\n}\n"
    run, _ = answering({"systemctl": NO_SYSTEMD, "nft": CommandResult(0, ruleset, "")})
    assert firewall_active(tmp_path, run, windows=False) == (True, None)


def test_nothing_readable_is_unknown_with_the_reason(tmp_path: Path) -> None:
    run, _ = answering({"systemctl": NO_SYSTEMD, "nft": NFT_DENIED})
    value, why = firewall_active(tmp_path, run, windows=False)
    assert (
        value is None
        and why is not None
        and why.startswith(
            "no ufw configuration; systemctl gave no state for firewalld (System has not been booted with systemd"
        )
    )


def test_nft_refused_needs_root_only_when_not_root() -> None:
    run, _ = answering({"nft": NFT_DENIED})
    assert nftables_answer(run, is_root=False) == (None, "the nftables ruleset needs root to read")
    value, why = nftables_answer(run, is_root=True)
    assert (
        value is None
        and why is not None
        and "needs root to read" not in why
        and why.startswith("nft list ruleset failed (exit 1)")
    )


def test_nft_missing_says_so_even_as_root(tmp_path: Path) -> None:
    run, _ = answering({"systemctl": NO_SYSTEMD})  # nft: "not installed", as the real runner says
    value, why = firewall_active(tmp_path, run, windows=False)
    assert value is None and why is not None and why.endswith("nftables: nft is not installed")
    assert "root" not in why


def test_windows_firewall_is_on_when_a_profile_is_on(tmp_path: Path) -> None:
    # `netsh advfirewall show allprofiles state` on Windows 11, shortened
    rule = "-" * 70
    text = f"\nDomain Profile Settings:\n{rule}\nState                                 OFF\n\n"
    text += f"Private Profile Settings:\n{rule}\nState                                 ON\n\nOk.\n"
    run, _ = answering({"netsh": CommandResult(0, text, "")})
    assert firewall_active(tmp_path, run, windows=True) == (True, None)
    run, _ = answering({"netsh": CommandResult(0, text.replace(" ON", " OFF"), "")})
    assert firewall_active(tmp_path, run, windows=True) == (False, None)


# /var/lib/update-notifier/updates-available as Ubuntu's login message shows it (posted by users)
@pytest.mark.parametrize(
    ("text", "count"),
    [
        (
            "\n81 updates can be applied immediately.\n23 of these updates are standard security updates.\n"
            "To see these additional updates run: apt list --upgradable\n",
            23,
        ),
        (
            "\n14 updates can be applied immediately.\n3 of these updates are standard security updates.\n"
            "To see these additional updates run: apt list --upgradable\n\n"
            "2 additional security updates can be applied with ESM Apps.\n",
            3,
        ),
        ("\n0 updates can be applied immediately.\n\n", 0),
        ("\n12 packages can be updated.\n5 updates are security updates.\n", 5),  # 18.04 and older
        ("", None),
    ],
)
def test_update_notifier_counts_security_updates(text: str, count: int | None) -> None:
    assert count_from_notifier(text) == count


# `apt-get -s upgrade` on this Debian 12 test machine (recorded 2026-11-28): two of four from -security
APT_LINES = """NOTE: This is only a simulation!
Inst base-files [12.4+deb12u11] (12.4+deb12u15 Debian:12.15/oldstable [amd64])
Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])
Inst libgcrypt20-dev [1.10.1-3] (1.10.1-3+deb12u1 Debian:12.15/oldstable, \
Debian-Security:12/oldstable-security [amd64]) []
Inst libgcrypt20 [1.10.1-3] (1.10.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64])
Conf base-files (12.4+deb12u15 Debian:12.15/oldstable [amd64])
Conf libgcrypt20 (1.10.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64])
"""


def test_apt_simulation_counts_packages_from_security_suites() -> None:
    assert count_from_apt(APT_LINES) == 2
    ubuntu = (
        "Inst libssl3 [3.0.2-0ubuntu1.10] (3.0.2-0ubuntu1.12 Ubuntu:22.04/jammy-updates, "
        "Ubuntu:22.04/jammy-security [amd64])\n"
    )
    assert count_from_apt(ubuntu) == 1


def test_pending_updates_prefers_update_notifier_then_apt_then_says_why(tmp_path: Path) -> None:
    run, calls = answering({"apt-get": CommandResult(0, APT_LINES, "")})
    assert pending_security_updates(tmp_path, run, windows=False) == (2, None)
    write(
        tmp_path / "var/lib/update-notifier/updates-available",
        "5 updates can be applied immediately.\n1 of these updates is a standard security update.\n",
    )
    assert pending_security_updates(tmp_path, run, windows=False) == (1, None) and len(calls) == 1
    run, _ = answering({})
    value, why = pending_security_updates(tmp_path / "no-notifier", run, windows=False)
    assert value is None and why is not None and "apt-get is not installed" in why


# `lsblk -J -o NAME,TYPE,MOUNTPOINTS,FSTYPE` of Ubuntu's encrypted install (LUKS, then LVM) with a
# second, plain data disk.
LSBLK = {
    "blockdevices": [
        {
            "name": "nvme0n1",
            "type": "disk",
            "mountpoints": [None],
            "fstype": None,
            "children": [
                {"name": "nvme0n1p1", "type": "part", "mountpoints": ["/boot/efi"], "fstype": "vfat"},
                {"name": "nvme0n1p2", "type": "part", "mountpoints": ["/boot"], "fstype": "ext4"},
                {
                    "name": "nvme0n1p3",
                    "type": "part",
                    "mountpoints": [None],
                    "fstype": "crypto_LUKS",
                    "children": [
                        {
                            "name": "dm_crypt-0",
                            "type": "crypt",
                            "mountpoints": [None],
                            "fstype": "LVM2_member",
                            "children": [
                                {"name": "ubuntu--vg-ubuntu--lv", "type": "lvm", "mountpoints": ["/"], "fstype": "ext4"}
                            ],
                        }
                    ],
                },
            ],
        },
        {
            "name": "sda",
            "type": "disk",
            "mountpoints": [None],
            "fstype": None,
            "children": [{"name": "sda1", "type": "part", "mountpoints": ["/data"], "fstype": "ext4"}],
        },
    ]
}


@pytest.mark.parametrize(
    ("path", "encrypted"),
    [("/home/ana/.local/share/aiwm", True), ("/data/aiwm", False), ("/boot/x", False), ("/database", True)],
)
def test_the_deepest_mount_above_the_folder_decides_encryption(path: str, encrypted: bool) -> None:
    assert encrypted_under(LSBLK["blockdevices"], path) == (encrypted, None)


def test_a_folder_on_no_listed_device_is_unknown() -> None:
    value, why = encrypted_under([{"name": "sda", "type": "disk", "mountpoints": ["/srv"]}], "/home/x")
    assert value is None and why is not None and "no block device" in why


def test_data_folder_encryption_runs_lsblk_and_reads_its_json(tmp_path: Path) -> None:
    run, calls = answering({"lsblk": CommandResult(0, json.dumps(LSBLK), "")})
    assert data_folder_encrypted(Path("/data/aiwm"), run, windows=False) == (False, None)
    assert calls == [["lsblk", "-J", "-o", "NAME,PATH,TYPE,MOUNTPOINTS,FSTYPE"]]
    run, _ = answering({"lsblk": CommandResult(0, "garbage", "")})
    assert data_folder_encrypted(tmp_path, run, windows=False) == (None, "lsblk -J gave no device tree")


def test_the_device_that_holds_the_data_folder_is_named() -> None:
    # lsblk's PATH column where it has one, else /dev/NAME or /dev/mapper/NAME (lsblk before util-linux 2.33
    # has no PATH column; device-mapper layers live in /dev/mapper)
    devices = json.loads(json.dumps(LSBLK["blockdevices"]))
    assert device_under(devices, "/data/aiwm") == (False, "/dev/sda1", None)
    devices[1]["children"][0]["path"] = "/dev/disk/by-id/data"
    assert device_under(devices, "/data/aiwm")[1] == "/dev/disk/by-id/data"
    assert device_under(LSBLK["blockdevices"], "/home/ana")[:2] == (True, "/dev/mapper/ubuntu--vg-ubuntu--lv")


def test_data_folder_disk_reads_the_device_with_the_same_lsblk_call(tmp_path: Path) -> None:
    run, calls = answering({"lsblk": CommandResult(0, json.dumps(LSBLK), "")})
    assert data_folder_disk(Path("/data/aiwm"), run, windows=False) == (False, "/dev/sda1", None)
    assert len(calls) == 1
