"""Cases that kill planted bugs the other doctor tests let through (mutation testing, issue 8):
knowledge tables and facts documents that must be refused, and facts readers' edge cases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.paths import resources_dir
from app.doctor.document import facts_from_document
from app.doctor.facts.sshd import ssh_password_login
from app.doctor.facts.toolkits import major_minor
from app.doctor.knowledge import load_knowledge

from .facts.conftest import write

COMPAT = resources_dir() / "compat"


def _edited(tmp_path: Path, name: str, edit) -> Path:
    folder = tmp_path / "compat"
    shutil.copytree(COMPAT, folder)
    path = folder / name
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))
    return folder


def _set_arch(value):
    def edit(doc):
        doc["releases"][0]["variants"][0]["arch_list"] = value

    return edit


@pytest.mark.parametrize("arch_list", [["sm80"], [], ["sm_80", "gfx90a"], "sm_80 sm_86"])
def test_a_pytorch_arch_list_that_is_not_sm_or_compute_entries_is_refused(tmp_path: Path, arch_list) -> None:
    with pytest.raises(UserError, match=r"pytorch\.json.*arch_list"):
        load_knowledge(_edited(tmp_path, "pytorch.json", _set_arch(arch_list)))


def test_an_architecture_without_compute_capabilities_is_refused(tmp_path: Path) -> None:
    def edit(doc):
        doc["architectures"][0]["compute_capabilities"] = []

    with pytest.raises(UserError, match=r"gpu_architectures\.json, architectures\[0\]"):
        load_knowledge(_edited(tmp_path, "gpu_architectures.json", edit))


BASE = {
    "schema": "aiwm.facts/1",
    "os": "linux",
    "nvidia_driver": "535.104.05",
    "gpus": [{"name": "NVIDIA GeForce RTX 4090", "compute_capability": "8.9"}],
    "cuda_toolkit": "12.1",
    "cudnn": "8.9.2",
    "frameworks": [],
}


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"gpus": [{"name": "X", "pcie_gen_current": True}]}, "gpus[0].pcie_gen_current is True"),
        ({"gpus": [{"name": "X", "pcie_width_max": -16}]}, "gpus[0].pcie_width_max is -16"),
        ({"gpus": [{"name": "X", "pcie_gen_max": 4.0}]}, "gpus[0].pcie_gen_max is 4.0"),
        ({"gpus": [{"name": "X", "persistence_mode": "on"}]}, "gpus[0].persistence_mode is 'on'"),
        ({"gpus": [{"name": "   "}]}, "gpus[0].name is '   '"),
        ({"frameworks": [{"name": "torch", "version": "2.5", "arch_list": ["sm_90", 90]}]}, "arch_list"),
        ({"system": {"pending_security_updates": False}}, "system.pending_security_updates is False"),
        ({"system": {"firewall_active": 1}}, "system.firewall_active is 1"),
    ],
)
def test_a_facts_document_with_garbage_is_refused_naming_the_field(change: dict, said: str) -> None:
    with pytest.raises(UserError) as error:
        facts_from_document({**BASE, **change})
    assert said in str(error.value) and "\n" not in str(error.value)


def _sshd(root: Path, text: str, **files: str) -> bool | None:
    write(root / "etc/ssh/sshd_config", text)
    for name, body in files.items():
        write(root / "etc/ssh" / name, body)
    return ssh_password_login(root).password_login


def test_match_all_ends_a_match_block_so_its_no_is_global(tmp_path: Path) -> None:
    # sshd_config(5): "Match all" matches every connection, so what follows is as if outside any Match.
    text = "Match User backup\n    PasswordAuthentication yes\nMatch all\nPasswordAuthentication no\n"
    assert _sshd(tmp_path, text) is True  # the backup user may still use a password
    text = "Match User backup\n    X11Forwarding no\nMatch all\nPasswordAuthentication no\n"
    assert _sshd(tmp_path, text) is False


def test_an_include_inside_a_match_block_only_applies_to_that_match(tmp_path: Path) -> None:
    # sshd_config(5), Include: "Include directives may appear inside a Match block to perform conditional
    # inclusion." A yes there allows passwords for some connections; a no there is not the global value.
    text = "Match User deploy\n    Include deploy.conf\nMatch all\nPasswordAuthentication yes\n"
    assert _sshd(tmp_path, text, **{"deploy.conf": "PasswordAuthentication no\n"}) is True
    text = "PasswordAuthentication no\nMatch User deploy\n    Include deploy.conf\n"
    assert _sshd(tmp_path, text, **{"deploy.conf": "PasswordAuthentication yes\n"}) is True


@pytest.mark.parametrize("value", ["missing", ""])
def test_an_architecture_without_a_last_cuda_null_is_refused(tmp_path: Path, value: str) -> None:
    # last_cuda must be present: null means the newest toolkits still build for it; a missing key or an
    # empty text is a broken row, not "still supported".
    def edit(doc):
        if value == "missing":
            del doc["architectures"][0]["last_cuda"]
        else:
            doc["architectures"][0]["last_cuda"] = value

    with pytest.raises(UserError, match=r"gpu_architectures\.json, architectures\[0\]"):
        load_knowledge(_edited(tmp_path, "gpu_architectures.json", edit))


def test_a_two_digit_minor_toolkit_version_keeps_both_digits() -> None:
    assert major_minor("12.10.1") == "12.10"
    assert major_minor("13.12.20270101") == "13.12"


def test_included_files_are_read_in_sorted_order_whatever_the_file_system_lists(tmp_path: Path, monkeypatch) -> None:
    # sshd_config(5): Include takes glob(7) patterns, and sshd reads the matches in lexical order.
    import app.doctor.facts.sshd as sshd

    real_glob = sshd.glob.glob
    monkeypatch.setattr(sshd.glob, "glob", lambda pattern: sorted(real_glob(pattern), reverse=True))
    files = {
        "sshd_config.d/10-first.conf": "PasswordAuthentication no\n",
        "sshd_config.d/90-last.conf": "PasswordAuthentication yes\n",
    }
    assert _sshd(tmp_path, "Include /etc/ssh/sshd_config.d/*.conf\n", **files) is False
