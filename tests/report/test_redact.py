"""Redaction replaces hostnames, users, home paths, serials, UUIDs, MACs and IPs consistently,
in fields and inside free text, and leaves everything else (versions, times, words) alone."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from app.report import redact
from app.report.redact import Redactor, redact_document

EXAMPLE = Path(__file__).parents[1] / "data" / "report" / "example_report.json"


def _example() -> dict[str, Any]:
    return dict(json.loads(EXAMPLE.read_text(encoding="utf-8")))


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine's identity as the example's: workstation-7, user ana, home /home/ana."""
    monkeypatch.setattr(redact, "machine_identity", lambda: [("host", "workstation-7"), ("user", "ana")])


def test_the_example_report_keeps_none_of_its_identifying_values(machine: None) -> None:
    original = _example()
    original["software"]["findings"][0]["detail"] = "python at /home/ana/.venv/bin/python on workstation-7"
    original["period"]["source"] = "session /home/ana/sessions/lab-192.168.1.23.aiwm"
    text = json.dumps(redact_document(original), ensure_ascii=False)
    for secret in ("workstation-7", '"ana"', "/home/ana", "S6Z2NX0T123456", "GPU-SIMULATED-0000-rtx4090",
                   "a8:a1:59:12:34:56", "192.168.1.23"):  # fmt: skip
        assert secret not in text, secret


def test_the_same_value_gets_the_same_placeholder_everywhere(machine: None) -> None:
    doc = _example()
    doc["software"]["findings"][0]["detail"] = "ana's venv /home/ana/x; host workstation-7; NIC A8-A1-59-12-34-56"
    doc["history"]["alerts"][0]["message"] = "GPU GPU-SIMULATED-0000-rtx4090 hot on workstation-7 (192.168.1.23)"
    out = redact_document(doc)
    assert out["machine"]["hostname"] == "host-1"
    assert out["title"] == "System report: host-1"
    assert out["machine"]["user"] == "user-1"
    assert out["machine"]["storage"][0]["serial"] == "serial-1"
    assert out["machine"]["network"][0]["mac"] == "mac-1"
    assert out["machine"]["network"][0]["addresses"] == ["ip-1"]
    assert out["gpus"][0]["uuid"] == "GPU-uuid-1"
    detail = out["software"]["findings"][0]["detail"]
    assert detail == "user-1's venv /home/user-1/x; host host-1; NIC mac-1"  # the MAC in another spelling too
    assert out["history"]["alerts"][0]["message"] == "GPU GPU-uuid-1 hot on host-1 (ip-1)"
    assert out["redacted"] is True


def test_different_values_get_different_numbers() -> None:
    redactor = Redactor([("host", "alpha"), ("host", "beta")])
    assert redactor.text("alpha beta alpha") == "host-1 host-2 host-1"
    assert redactor.text("10.0.0.1 10.0.0.2 10.0.0.1") == "ip-1 ip-2 ip-1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GPU-0c4c1b2e-aaaa-bbbb-cccc-0123456789ab", "GPU-uuid-1"),
        ("MIG-0c4c1b2e-aaaa-bbbb-cccc-0123456789ab", "MIG-uuid-1"),
        ("disk 123e4567-e89b-12d3-a456-426614174000", "disk uuid-1"),
        ("link 02:fc:00:00:00:01 up", "link mac-1 up"),
        ("inet 192.0.2.2/24", "inet ip-1/24"),
        ("fe80::fc:ff:fe00:1%eth0 and ::1", "ip-1 and ip-2"),
        ("2001:db8::5", "ip-1"),
        ("/Users/bob/Library and C:\\Users\\bob\\AppData", "/Users/user-1/Library and C:\\Users\\user-1\\AppData"),
    ],
)
def test_patterns_in_free_text_are_found_without_a_field_name(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "driver 570.133.07, CUDA 12.8, cuDNN 9.1.0",
        "at 2026-11-28T14:52:10Z, 14:52:10 UTC",
        "VBIOS 95.02.3C.40.D1",
        "PCI 00000000:01:00.0",
        "999.1.2.3 is no address",
        "GPU-SIMULATED-0000-rtx4090 is no UUID",
        "nvme0n1 on a vm-less host",
    ],
)
def test_versions_times_and_bus_ids_are_left_alone(text: str) -> None:
    assert Redactor([("host", "vm")]).text(text) == text.replace(" vm-", " host-1-")


def test_a_short_hostname_is_replaced_only_as_a_whole_word() -> None:
    redactor = Redactor([("host", "vm")])
    assert redactor.text("nvme on vm, vm.local") == "nvme on host-1, host-1.local"


def test_the_real_machine_identity_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redact.socket, "gethostname", lambda: "labbox-42")
    monkeypatch.setattr(redact.socket, "getfqdn", lambda: "labbox-42.corp.example.org")
    monkeypatch.setattr(redact.getpass, "getuser", lambda: "jdoe")
    monkeypatch.setenv("USER", "jdoe")
    monkeypatch.setattr(redact.Path, "home", staticmethod(lambda: Path("/srv/people/jdoe")))
    doc = {"title": "labbox-42", "path": "/srv/people/jdoe/x", "who": "jdoe@labbox-42.corp.example.org"}
    text = json.dumps(redact_document(doc))
    assert "labbox" not in text and "jdoe" not in text and "/srv/people" not in text


def test_redaction_leaves_the_input_document_unchanged(machine: None) -> None:
    doc = _example()
    before = copy.deepcopy(doc)
    redact_document(doc)
    assert doc == before


def test_fields_named_serial_uuid_or_mac_are_redacted_even_without_a_pattern() -> None:
    doc = {"gpus": [{"serial": "1324021012345", "uuid": "odd-format-id"}], "note": "card 1324021012345"}
    out = redact_document(doc)
    assert out["gpus"][0] == {"serial": "serial-1", "uuid": "uuid-1"}
    assert out["note"] == "card serial-1"


def test_reasons_in_missing_are_explanations_not_values(machine: None) -> None:
    """The trial's case: every reason under a `machine.*` path (it holds "mac") or a `…serial` path
    became a placeholder: "smartctl is not installed" -> mac-1, "simulated GPU" -> serial-2."""
    doc = _example()
    doc["missing"] = {
        "machine.storage[0].health": "smartctl is not installed",
        "gpus[0].serial": "simulated GPU",
        "machine.network[1].mac": "the interface has no hardware address",
        "machine.user": "n/a",
    }
    out = redact_document(doc)
    assert out["missing"] == doc["missing"]
    assert out["machine"]["network"][0]["mac"] == "mac-1" and out["gpus"][0]["uuid"] == "GPU-uuid-1"


def test_only_fields_named_exactly_are_taken_as_values() -> None:
    doc = {"machine": {"model": "Precision 7960", "mac": "02:00:00:00:00:07"}, "user_note": "keep me", "serials": "x"}
    out = redact_document(doc)
    assert out["machine"] == {"model": "Precision 7960", "mac": "mac-1"}
    assert (out["user_note"], out["serials"]) == ("keep me", "x")


@pytest.mark.parametrize("name", ["root", "admin", "user"])
def test_a_user_name_that_is_a_word_is_replaced_in_its_field_and_paths_not_in_prose(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The trial's case (run as root): "needs root to read" became "needs user-1 to read"."""
    identity = [("host", "labbox-42"), ("user", name), ("home", f"/{name}")]
    monkeypatch.setattr(redact, "machine_identity", lambda: identity)
    doc = {
        "machine": {"user": name, "hostname": "labbox-42"},
        "missing": {"machine.storage[0].health": f"SMART needs {name} to read"},
        "detail": f"the venv /{name}/.venv/bin/python; run as {name}",
    }
    out = redact_document(doc)
    assert out["machine"] == {"user": "user-1", "hostname": "host-1"}
    assert out["missing"]["machine.storage[0].health"] == f"SMART needs {name} to read"
    assert out["detail"] == f"the venv home-1/.venv/bin/python; run as {name}"


def test_a_user_name_that_is_no_word_is_still_replaced_everywhere(machine: None) -> None:
    out = redact_document({"machine": {"user": "ana"}, "detail": "ana ran it; needs ana to read"})
    assert out == {"machine": {"user": "user-1"}, "detail": "user-1 ran it; needs user-1 to read", "redacted": True}
