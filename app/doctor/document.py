"""The doctor's JSON documents: `aiwm.facts/1` (read and written) and `aiwm.doctor/1` (written).

A facts file comes from another machine or a hand edit, so everything in it is checked: wrong
schema, not JSON, a version that is not a version -> one `UserError` line naming the field.
"""

from __future__ import annotations

import codecs
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.core.errors import UserError
from app.doctor.records import (
    DOCTOR_SCHEMA,
    FACTS_SCHEMA,
    CudnnFact,
    DoctorReport,
    EnvironmentFact,
    Facts,
    FrameworkFact,
    GpuFact,
    SystemFacts,
    ToolkitFact,
)
from app.doctor.versions import parse_compute_capability, parse_version

_OS = ("linux", "windows")
_NVML_ERRORS = ("library_not_found", "driver_not_loaded", "version_mismatch", "no_permission", "no_gpu", "failed")
_FRAMEWORKS = ("torch", "tensorflow", "jax")
_OUTCOMES = ("answered", "timed_out", "failed")
MAX_FACTS_BYTES = 16 * 1024 * 1024  # a facts file is a few kilobytes; a snapshot with them tens
_MIB = MAX_FACTS_BYTES // (1024 * 1024)


def load_facts_file(path: Path) -> Facts:
    """Read a facts file (`aiwm.facts/1`, or a snapshot that carries one under `facts`); `-` is
    standard input. UTF-8 (with or without a byte-order mark) and UTF-16 with its mark (what
    PowerShell 5's `>` writes) are read; a file over `MAX_FACTS_BYTES` is refused unread."""
    name = "standard input" if str(path) == "-" else str(path)
    text = decode_facts_bytes(_read_bytes(path), name)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"--facts {name}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise UserError(f"--facts {name}: nested too deeply to be a facts file") from None
    try:
        return facts_from_document(doc)
    except UserError as error:
        raise UserError(f"--facts {name}: {error}") from None
    except RecursionError:  # a value nested deeply enough to exhaust the stack where a text was expected
        raise UserError(f"--facts {name}: nested too deeply to be a facts file") from None


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, at most `MAX_FACTS_BYTES` (one more is read to tell a longer file)."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(MAX_FACTS_BYTES + 1) if sys.stdin is not None else b""
        if len(data) > MAX_FACTS_BYTES:
            raise UserError(f"--facts -: standard input is over {_MIB} MiB: not a facts file")
        return data
    try:
        size = path.stat().st_size
        if path.is_file() and size > MAX_FACTS_BYTES:
            raise UserError(f"--facts {path}: {size:,} bytes is over {_MIB} MiB: not a facts file")
        with path.open("rb") as file:
            data = file.read(MAX_FACTS_BYTES + 1)
    except FileNotFoundError:
        raise UserError(f"--facts {path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"--facts {path}: is a directory, not a facts file") from None
    except OSError as error:
        raise UserError(f"--facts {path}: cannot be read: {error.strerror or error}") from None
    if len(data) > MAX_FACTS_BYTES:  # a special file that grows as it is read (/dev/zero)
        raise UserError(f"--facts {path}: over {_MIB} MiB: not a facts file")
    return data


def decode_facts_bytes(data: bytes, name: str) -> str:
    """Text from UTF-8 (a byte-order mark is dropped) or from UTF-16 with its byte-order mark."""
    if not data.strip():
        raise UserError(f"--facts {name}: is empty (expected {FACTS_SCHEMA} JSON)")
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"--facts {name}: not a text file in UTF-8 or UTF-16 (expected {FACTS_SCHEMA} JSON)") from None


def facts_from_document(doc: Any) -> Facts:
    """The facts in an `aiwm.facts/1` document; every field is checked."""
    if isinstance(doc, dict) and doc.get("schema") != FACTS_SCHEMA and isinstance(doc.get("facts"), dict):
        doc = doc["facts"]  # an `aiwm snapshot --json` document carries the facts under `facts`
    if not isinstance(doc, dict):
        raise UserError(f"not an {FACTS_SCHEMA} document (a JSON object is expected)")
    if doc.get("schema") != FACTS_SCHEMA:
        raise UserError(f"schema is {doc.get('schema')!r}, expected {FACTS_SCHEMA!r}")
    os_name = _choice(doc, "os", _OS)
    return Facts(
        os=os_name,
        nvidia_driver=_version(doc, "nvidia_driver"),
        gpus=tuple(_gpu(g, f"gpus[{i}]") for i, g in enumerate(_list(doc, "gpus"))),
        cuda_toolkit=_version(doc, "cuda_toolkit"),
        cudnn=_version(doc, "cudnn"),
        frameworks=tuple(_framework(f, f"frameworks[{i}]") for i, f in enumerate(_list(doc, "frameworks"))),
        toolkits=tuple(_toolkit(t, f"toolkits[{i}]") for i, t in enumerate(_list(doc, "toolkits", optional=True))),
        cudnns=tuple(_cudnn(c, f"cudnns[{i}]") for i, c in enumerate(_list(doc, "cudnns", optional=True))),
        nvml_error=None if doc.get("nvml_error") is None else _choice(doc, "nvml_error", _NVML_ERRORS),
        kernel_module_version=_version(doc, "kernel_module_version", optional=True),
        nouveau_loaded=_flag(doc, "nouveau_loaded"),
        cuda_library_paths=tuple(_texts(doc, "cuda_library_paths")),
        system=_system(doc.get("system") or {}),
        simulated=bool(_flag(doc, "simulated")),
        missing=tuple(_missing(doc)),
        environments=tuple(
            _environment(e, f"environments[{i}]") for i, e in enumerate(_list(doc, "environments", optional=True))
        ),
    )


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UserError(f"{where} is not a JSON object")
    return value


def _list(doc: dict[str, Any], key: str, optional: bool = False) -> list[Any]:
    if key not in doc and not optional:
        raise UserError(f"{key} is missing")
    value = doc.get(key) or []
    if not isinstance(value, list):
        raise UserError(f"{key} is not a list")
    return value


def _text(doc: dict[str, Any], key: str, where: str, optional: bool = False) -> str | None:
    value = doc.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{where}.{key} is {value!r}, expected text")
    return value


def _version(doc: dict[str, Any], key: str, where: str = "", optional: bool = False) -> str | None:
    """A version field: null or a version (checked, kept as written)."""
    name = f"{where}.{key}" if where else key
    if key not in doc and not optional:
        raise UserError(f"{name} is missing (null when unknown)")
    value = doc.get(key)
    if value is None:
        return None
    return parse_version(value, name).text


def _choice(doc: dict[str, Any], key: str, choices: tuple[str, ...], where: str = "") -> str:
    name = f"{where}.{key}" if where else key
    if key not in doc:
        raise UserError(f"{name} is missing (one of {', '.join(choices)})")
    value = doc.get(key)
    if value not in choices:
        raise UserError(f"{name} is {_short(value)}, expected one of {', '.join(choices)}")
    return str(value)


def _short(value: Any) -> str:
    """A wrong value as a message shows it: its repr, cut short (a facts file may hold anything)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def _flag(doc: dict[str, Any], key: str, where: str = "") -> bool | None:
    value = doc.get(key)
    if value is not None and not isinstance(value, bool):
        raise UserError(f"{where + '.' if where else ''}{key} is {value!r}, expected true, false or null")
    return value


def _count(doc: dict[str, Any], key: str, where: str) -> int | None:
    value = doc.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise UserError(f"{where}.{key} is {value!r}, expected a whole number or null")
    return value


def _texts(doc: dict[str, Any], key: str) -> list[str]:
    values = _list(doc, key, optional=True)
    if not all(isinstance(v, str) for v in values):
        raise UserError(f"{key} must be a list of text")
    return values


def _gpu(value: Any, where: str) -> GpuFact:
    doc = _object(value, where)
    cc = doc.get("compute_capability")
    if cc is not None:
        parse_compute_capability(cc, f"{where}.compute_capability")
    return GpuFact(
        name=str(_text(doc, "name", where)),
        compute_capability=cc,
        pci_bus_id=_text(doc, "pci_bus_id", where, optional=True),
        pcie_gen_current=_count(doc, "pcie_gen_current", where),
        pcie_gen_max=_count(doc, "pcie_gen_max", where),
        pcie_width_current=_count(doc, "pcie_width_current", where),
        pcie_width_max=_count(doc, "pcie_width_max", where),
        persistence_mode=_flag(doc, "persistence_mode", where),
    )


def _framework(value: Any, where: str) -> FrameworkFact:
    doc = _object(value, where)
    name = doc.get("name")
    if name not in _FRAMEWORKS:
        raise UserError(f"{where}.name is {name!r}, expected one of {', '.join(_FRAMEWORKS)}")
    arch = doc.get("arch_list")
    if arch is not None and (not isinstance(arch, list) or not all(isinstance(a, str) for a in arch)):
        raise UserError(f'{where}.arch_list must be a list of text such as "sm_86", or null')
    return FrameworkFact(
        name=name,
        version=str(_version(doc, "version", where)),
        cuda=_version(doc, "cuda", where, optional=True),
        cudnn=_version(doc, "cudnn", where, optional=True),
        arch_list=None if arch is None else tuple(arch),
        cuda_available=_flag(doc, "cuda_available", where),
        environment=_text(doc, "environment", where, optional=True),
        error=_text(doc, "error", where, optional=True),
        python=_version(doc, "python", where, optional=True),
        companions=_companions(doc.get("companions"), f"{where}.companions"),
    )


def _companions(value: Any, where: str) -> tuple[tuple[str, str], ...] | None:
    """`{"torchvision": "0.23.0"}` (as written) or `[["torchvision", "0.23.0"]]`; null: not reported."""
    if value is None:
        return None
    pairs = list(value.items()) if isinstance(value, dict) else value
    if not isinstance(pairs, list) or not all(
        isinstance(pair, (list, tuple)) and len(pair) == 2 and all(isinstance(v, str) for v in pair) for pair in pairs
    ):
        raise UserError(f'{where} must be an object of package -> version, such as {{"torchvision": "0.23.0"}}')
    return tuple((name, parse_version(version, f"{where}.{name}").text) for name, version in pairs)


def _toolkit(value: Any, where: str) -> ToolkitFact:
    doc = _object(value, where)
    return ToolkitFact(
        str(_version(doc, "version", where)), str(_text(doc, "path", where)), str(_text(doc, "found_by", where))
    )


def _cudnn(value: Any, where: str) -> CudnnFact:
    doc = _object(value, where)
    return CudnnFact(
        str(_version(doc, "version", where)),
        str(_text(doc, "path", where)),
        str(_text(doc, "found_by", where)),
        _count(doc, "cuda_major", where),
    )


def _system(value: Any) -> SystemFacts:
    doc = _object(value, "system")
    return SystemFacts(
        firewall_active=_flag(doc, "firewall_active", "system"),
        ssh_password_login=_flag(doc, "ssh_password_login", "system"),
        pending_security_updates=_count(doc, "pending_security_updates", "system"),
        data_folder_encrypted=_flag(doc, "data_folder_encrypted", "system"),
        ssh_server_installed=_flag(doc, "ssh_server_installed", "system"),
        data_folder=_text(doc, "data_folder", "system", optional=True),
        data_device=_text(doc, "data_device", "system", optional=True),
    )


def _environment(value: Any, where: str) -> EnvironmentFact:
    doc = _object(value, where)
    return EnvironmentFact(
        interpreter=str(_text(doc, "interpreter", where)),
        outcome=_choice(doc, "outcome", _OUTCOMES, where),  # type: ignore[arg-type]
        problem=_text(doc, "problem", where, optional=True),
        python=_version(doc, "python", where, optional=True),
    )


def _missing(doc: dict[str, Any]) -> list[tuple[str, str]]:
    value = doc.get("missing") or {}
    if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return list(value.items())
    raise UserError("missing must be an object of fact path -> reason")


def facts_document(facts: Facts) -> dict[str, Any]:
    """`aiwm.facts/1`: the issue's keys first, then the live gathering's extras; SIMULATED says so."""
    doc = asdict(facts)
    doc["missing"] = dict(facts.missing)
    for framework in doc["frameworks"]:
        if framework["arch_list"] is not None:
            framework["arch_list"] = list(framework["arch_list"])
        if framework["companions"] is not None:
            framework["companions"] = dict(framework["companions"])
    return {"schema": FACTS_SCHEMA, **doc}


def doctor_document(report: DoctorReport) -> dict[str, Any]:
    """`aiwm.doctor/1`: overall, the findings in order, and the facts they were made from."""
    return {
        "schema": DOCTOR_SCHEMA,
        "overall": report.overall,
        "simulated": report.facts.simulated,
        "findings": [asdict(finding) for finding in report.findings],
        "facts": facts_document(report.facts),
    }
