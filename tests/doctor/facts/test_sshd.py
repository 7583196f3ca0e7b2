"""SSH password login from sshd_config as sshd reads it: first value wins, Include in place,
Match blocks only for some connections, the default yes, and no sshd at all."""

from __future__ import annotations

from pathlib import Path

from app.doctor.facts.sshd import SshAnswer, ssh_password_login

from .conftest import write

# The first lines of Ubuntu 22.04's /etc/ssh/sshd_config
UBUNTU_HEAD = """# This is the sshd server system-wide configuration file.  See
# sshd_config(5) for more information.

Include /etc/ssh/sshd_config.d/*.conf

#Port 22
#AddressFamily any
"""


def config(root: Path, text: str) -> None:
    write(root / "etc/ssh/sshd_config", text)


def test_no_sshd_is_not_installed(tmp_path: Path) -> None:
    answer = ssh_password_login(tmp_path)
    assert answer == SshAnswer(None, "no SSH server (sshd) is installed", installed=False)


def test_nothing_set_means_sshds_default_yes(tmp_path: Path) -> None:
    config(tmp_path, UBUNTU_HEAD + "#PasswordAuthentication yes\nKbdInteractiveAuthentication no\n")
    assert ssh_password_login(tmp_path) == SshAnswer(True)


def test_an_included_file_set_first_wins_over_the_main_file(tmp_path: Path) -> None:
    config(tmp_path, UBUNTU_HEAD + "PasswordAuthentication yes\n")
    write(tmp_path / "etc/ssh/sshd_config.d/60-hardening.conf", "PasswordAuthentication no\n")
    write(tmp_path / "etc/ssh/sshd_config.d/50-cloud-init.conf", "PasswordAuthentication yes\n")
    # 50-cloud-init.conf sorts first: its yes wins over 60-hardening's no and the main file's yes
    assert ssh_password_login(tmp_path) == SshAnswer(True)
    (tmp_path / "etc/ssh/sshd_config.d/50-cloud-init.conf").unlink()
    assert ssh_password_login(tmp_path) == SshAnswer(False)


def test_the_first_value_wins_and_case_and_equals_signs_do_not_matter(tmp_path: Path) -> None:
    config(tmp_path, "passwordauthentication=no\nPasswordAuthentication yes\n")
    assert ssh_password_login(tmp_path) == SshAnswer(False)


def test_a_match_block_does_not_set_the_global_value_but_a_yes_in_it_allows_passwords(tmp_path: Path) -> None:
    config(tmp_path, "Match User backup\n    PasswordAuthentication no\nMatch all\nPasswordAuthentication yes\n")
    assert ssh_password_login(tmp_path) == SshAnswer(True)
    config(tmp_path, "PasswordAuthentication no\nMatch Address 10.0.0.0/8\n    PasswordAuthentication yes\n")
    assert ssh_password_login(tmp_path) == SshAnswer(True)
    config(tmp_path, "PasswordAuthentication no\nMatch Group sftp\n    ForceCommand internal-sftp\n")
    assert ssh_password_login(tmp_path) == SshAnswer(False)


def test_a_relative_include_is_read_under_etc_ssh(tmp_path: Path) -> None:
    config(tmp_path, "Include extra.conf\nPasswordAuthentication yes\n")
    write(tmp_path / "etc/ssh/extra.conf", "PasswordAuthentication no\n")
    assert ssh_password_login(tmp_path) == SshAnswer(False)


def test_an_unreadable_include_before_any_value_makes_it_unknown(tmp_path: Path) -> None:
    # Ubuntu's 50-cloud-init.conf is mode 600 (root only). A folder of that name cannot be read even
    # by root, who runs this suite here, so it stands in for the unreadable file.
    config(tmp_path, UBUNTU_HEAD + "PasswordAuthentication no\n")
    (tmp_path / "etc/ssh/sshd_config.d/50-cloud-init.conf").mkdir(parents=True)
    answer = ssh_password_login(tmp_path)
    assert answer.password_login is None and answer.why is not None and "50-cloud-init.conf" in answer.why
