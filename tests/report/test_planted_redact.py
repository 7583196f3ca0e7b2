"""Redaction cases the first tests left open, found by planting bugs in app/report/redact.py: the
full hostname (its domain names the site), keys, one placeholder per value in any spelling, and
the seeds taken from the machine and from fields named for what they hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.report import redact
from app.report.redact import Redactor, redact_document


@pytest.fixture
def fqdn_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine whose hostname is its full name, as some distributions set it."""
    monkeypatch.setattr(redact.socket, "gethostname", lambda: "labbox-42.corp.example.org")
    monkeypatch.setattr(redact.socket, "getfqdn", lambda: "labbox-42.corp.example.org")
    monkeypatch.setattr(redact.getpass, "getuser", lambda: "jdoe")
    monkeypatch.setenv("USER", "jdoe")
    monkeypatch.setenv("LOGNAME", "jdoe")
    monkeypatch.setattr(redact.Path, "home", staticmethod(lambda: Path("/srv/people/jdoe")))


def test_the_full_hostname_goes_whole_so_its_domain_goes_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redact.socket, "gethostname", lambda: "labbox-42")
    monkeypatch.setattr(redact.socket, "getfqdn", lambda: "labbox-42.corp.example.org")
    doc = {"who": "jdoe@labbox-42.corp.example.org", "host": "labbox-42"}
    out = redact_document(doc)
    assert "corp.example" not in json.dumps(out)
    assert out["host"] == "host-1" or out["host"].startswith("host-")


def test_the_short_name_of_a_full_hostname_is_redacted_alone(fqdn_machine: None) -> None:
    out = redact_document({"prompt": "jdoe@labbox-42:~$", "fqdn": "labbox-42.corp.example.org"})
    text = json.dumps(out)
    assert "labbox" not in text and "corp.example" not in text and "jdoe" not in text


def test_the_login_name_from_logname_alone_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sudo or cron environment: getpass and USER name someone else; LOGNAME is the person."""
    monkeypatch.setattr(redact.getpass, "getuser", lambda: "svc")
    monkeypatch.setenv("USER", "svc")
    monkeypatch.setenv("LOGNAME", "mkowalski")
    assert "mkowalski" not in json.dumps(redact_document({"note": "run by mkowalski"}))


def test_a_home_folder_outside_home_is_redacted_as_a_path(fqdn_machine: None) -> None:
    out = redact_document({"path": "/srv/people/jdoe/.venv/bin/python"})
    assert "/srv/people" not in out["path"]


def test_keys_are_redacted_with_the_same_placeholders_as_values() -> None:
    doc = {
        "network": [{"mac": "a8:a1:59:12:34:56", "addresses": ["192.168.1.23"]}],
        "per_address": {"192.168.1.23": 1, "A8-A1-59-12-34-56": 2},
    }
    out = redact_document(doc)
    assert out["per_address"] == {"ip-1": 1, "mac-1": 2}
    assert out["network"][0] == {"mac": "mac-1", "addresses": ["ip-1"]}


def test_one_address_in_two_spellings_gets_one_placeholder() -> None:
    redactor = Redactor()
    assert redactor.text("2001:db8::5 and 2001:0db8:0:0:0:0:0:5") == "ip-1 and ip-1"


def test_one_uuid_in_two_cases_gets_one_placeholder() -> None:
    redactor = Redactor()
    lower, upper = "0c4c1b2e-aaaa-bbbb-cccc-0123456789ab", "0C4C1B2E-AAAA-BBBB-CCCC-0123456789AB"
    assert redactor.text(f"GPU-{lower} is GPU-{upper}") == "GPU-uuid-1 is GPU-uuid-1"


def test_the_user_and_address_fields_seed_values_no_pattern_would_find() -> None:
    doc = {
        "machine": {"user": "ana", "network": [{"addresses": ["10.1.2.3"]}]},
        "note": "ana logged in",
        "users": ["bob"],
        "logged_in_users": [{"user": "carol"}],
        "text": "carol and bob",
    }
    out = redact_document(doc)
    assert out["note"] == "user-1 logged in"
    assert "carol" not in json.dumps(out) and "bob" not in json.dumps(out)


def test_an_ipv6_address_with_its_zone_is_one_placeholder() -> None:
    assert Redactor().text("fe80::1%enp5s0 and fe80::1%wlan0") == "ip-1 and ip-1"


def test_every_redacted_document_says_so(fqdn_machine: None) -> None:
    assert redact_document({})["redacted"] is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("last seen at 10.0.0.1.", "last seen at ip-1."),
        ("last seen at 2001:db8::5.", "last seen at ip-1."),  # was left in the file: the full stop hid it
        ("peer fe80::1%eth0. Then", "peer ip-1. Then"),
        ("vlan fe80::1%eth0.100 up", "vlan ip-1 up"),
    ],
)
def test_an_address_at_the_end_of_a_sentence_is_redacted(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ping 2001:db8::5: host unreachable", "ping ip-1: host unreachable"),  # was left in the file
        ("fe80::1%eth0: link down", "ip-1: link down"),  # was "ip-1%eth0: link down"
        ("link a8:a1:59:12:34:56: carrier lost", "link mac-1: carrier lost"),  # was left in the file
        ("at 14:52:10: done", "at 14:52:10: done"),
    ],
)
def test_an_address_before_a_colon_is_redacted(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected


def test_an_address_field_seeds_the_address_wherever_the_text_holds_it() -> None:
    doc = {"network": [{"addresses": ["2001:db8::5"]}], "note": "route via 2001:db8::5:: default"}
    assert "2001:db8" not in json.dumps(redact_document(doc))


def test_the_hostname_in_another_case_gets_the_same_placeholder() -> None:
    """DNS names are case-insensitive: a log or a share path may write the host in capitals."""
    redactor = Redactor([("host", "workstation-7")])
    assert redactor.text("WORKSTATION-7 joined; \\\\Workstation-7\\share on workstation-7") == (
        "host-1 joined; \\\\host-1\\share on host-1"
    )


@pytest.mark.parametrize("path", ["C:\\users\\bob\\AppData", "c:/USERS/bob/x", "D:\\Users\\bob"])
def test_a_windows_home_in_any_case_is_redacted(path: str) -> None:
    assert "bob" not in Redactor().text(path)
