"""Ask one Python interpreter which frameworks it has, by running the probe in a subprocess
with a timeout, and turn its JSON into facts. Garbage, a crash or a time-out is a missing fact
with the reason, never an exception.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.core.proc import CommandResult
from app.doctor.facts.cudnn import cudnn_major_of_package, decode_cudnn_int
from app.doctor.facts.probe import PROBE_SCHEMA, PROBE_SOURCE
from app.doctor.records import CudnnFact, EnvironmentFact, FrameworkFact

Runner = Callable[[list[str], float], CommandResult]
PROBE_TIMEOUT_S = 60.0  # importing TensorFlow from a cold disk takes tens of seconds
TIMED_OUT = "timed out after"
_REAP_S = 5.0


def run_in_own_group(args: list[str], timeout_s: float) -> CommandResult:
    """Run `args` like `run_command`, but in a process group of its own, and on a time-out kill the
    whole group: what the probe started (a framework's worker, a hung child) dies with it."""
    try:
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
            start_new_session=os.name != "nt",
            creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
        )
    except OSError as error:
        return CommandResult(None, "", "", f"{args[0]} could not be started: {error.strerror or error}")
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return CommandResult(None, "", "", f"{TIMED_OUT} {timeout_s:g} s")
    return CommandResult(process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen[str]) -> None:
    """Kill the process and everything in its group, then reap it (its pipes close with the group)."""
    if os.name == "nt":  # the group's tree, by taskkill: Windows has no killpg
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.communicate(timeout=_REAP_S)


@dataclass(frozen=True)
class ProbeAnswer:
    """What one interpreter said: its frameworks, its pip cuDNN packages, and what went wrong."""

    interpreter: str
    frameworks: tuple[FrameworkFact, ...] = ()
    cudnns: tuple[CudnnFact, ...] = ()
    missing: tuple[tuple[str, str], ...] = ()  # ("environments[<interpreter>]", why)
    framework_reasons: tuple[tuple[int, str, str], ...] = ()  # (position in `frameworks`, field, why)
    python: str | None = None  # the interpreter's Python version, when it answered

    @property
    def environment(self) -> EnvironmentFact:
        """Whether it answered: a reason for the interpreter itself means it did not."""
        problem = dict(self.missing).get(f"environments[{self.interpreter}]")
        if problem is None:
            return EnvironmentFact(self.interpreter, "answered", None, self.python)
        return EnvironmentFact(self.interpreter, "timed_out" if TIMED_OUT in problem else "failed", problem)


def probe_environment(
    interpreter: Path, timeout_s: float = PROBE_TIMEOUT_S, run: Runner = run_in_own_group
) -> ProbeAnswer:
    """Run the probe with `interpreter` and read its answer."""
    where = str(interpreter)
    result = run([where, "-c", PROBE_SOURCE], timeout_s)
    if result.problem:
        return ProbeAnswer(where, missing=((f"environments[{where}]", result.problem),))
    document = _last_json_line(result.stdout)
    if document is None or document.get("schema") != PROBE_SCHEMA:
        said = (result.stderr.strip().splitlines() or result.stdout.strip().splitlines() or ["no output"])[-1]
        why = f"exit {result.returncode}: {said[:200]}"  # the finding says "the probe gave no answer (…)"
        return ProbeAnswer(where, missing=((f"environments[{where}]", why),))
    return parse_probe(where, document)


def _last_json_line(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.strip().splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None
    return None


def parse_probe(interpreter: str, document: dict[str, Any]) -> ProbeAnswer:
    """Facts from the probe's JSON; entries of the wrong shape are skipped with the reason."""
    frameworks: list[FrameworkFact] = []
    missing: list[tuple[str, str]] = []
    framework_reasons: list[tuple[int, str, str]] = []
    for entry in _list(document.get("frameworks")):
        fact, reasons = _framework(interpreter, entry)
        if fact is None:
            missing.append((f"environments[{interpreter}].frameworks", f"unreadable probe entry: {str(entry)[:100]}"))
            continue
        framework_reasons += [(len(frameworks), field, why) for field, why in reasons]
        frameworks.append(fact)
    cudnns = tuple(fact for fact in map(_pip_cudnn, _list(document.get("packages"))) if fact is not None)
    python = _python_version(document.get("python"))
    frameworks = [replace(fact, python=python) for fact in frameworks]
    return ProbeAnswer(interpreter, tuple(frameworks), cudnns, tuple(missing), tuple(framework_reasons), python)


def _python_version(value: Any) -> str | None:
    """ "3.11.9" from the probe's `sys.version` word; None for anything else."""
    text = _text(value)
    return text if text is not None and re.fullmatch(r"\d+\.\d+(\.\d+)?", text) else None


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _framework(interpreter: str, entry: dict[str, Any]) -> tuple[FrameworkFact | None, list[tuple[str, str]]]:
    name = _text(entry.get("name"))
    if name is None:
        return None, []
    version = _text(entry.get("version")) or "unknown"
    error = _text(entry.get("error"))
    if error is not None:
        return FrameworkFact(name, version, None, None, None, None, interpreter, error), []
    available = entry.get("cuda_available") if isinstance(entry.get("cuda_available"), bool) else None
    arch_list, reasons = _arch_list(entry.get("arch_list"), available)
    fact = FrameworkFact(
        name=name,
        version=version,
        cuda=_text(entry.get("cuda")),
        cudnn=_cudnn_text(entry.get("cudnn")),
        arch_list=arch_list,
        cuda_available=available,
        environment=interpreter,
        companions=_companions(entry.get("companions")),
    )
    return fact, reasons


def _arch_list(value: Any, cuda_available: bool | None) -> tuple[tuple[str, ...] | None, list[tuple[str, str]]]:
    """The architectures compiled in. torch.cuda.get_arch_list() is [] whenever CUDA is unavailable,
    even for a CUDA build, so an empty list then says nothing: the knowledge tables decide."""
    if not isinstance(value, list) or not all(isinstance(arch, str) for arch in value):
        return None, [("arch_list", "the framework does not list its compiled architectures")]
    if not value and cuda_available is not True:
        return None, [("arch_list", "the framework lists no architectures while CUDA is unavailable")]
    return tuple(value), []


def _companions(value: Any) -> tuple[tuple[str, str], ...] | None:
    """{"torchvision": "0.23.0"} from the probe (torch only); None when it did not say."""
    if not isinstance(value, dict):
        return None
    return tuple((name, version) for name, version in value.items() if _text(name) and _text(version))


def _cudnn_text(value: Any) -> str | None:
    """torch reports cuDNN as an integer (90100), TensorFlow as text ("9" or "8.9.7")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return decode_cudnn_int(value)
    return _text(value)


def _pip_cudnn(entry: dict[str, Any]) -> CudnnFact | None:
    name, version = _text(entry.get("name")), _text(entry.get("version"))
    if name is None or version is None:
        return None
    return CudnnFact(version, _text(entry.get("path")) or "", f"pip {name}", cudnn_major_of_package(name))
