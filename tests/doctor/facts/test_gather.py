"""The whole gathering: on this machine (no GPU, no torch) quickly and with a reason for every
unknown; with --demo simulated; on a fake tree with a fake environment; and as the JSON document
`aiwm snapshot --json` carries under "facts"."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import fields
from pathlib import Path

import pytest

from app.cli import main
from app.core.engine import Engine, EngineOptions
from app.core.proc import CommandResult, run_command
from app.doctor.facts_json import facts_to_json
from app.doctor.gather import Places, gather_facts
from app.doctor.records import FACTS_SCHEMA, Facts, FrameworkFact, GpuFact

from .conftest import answering, script, write
from .test_cudnn import CUDNN_9_1_0
from .test_toolkits import toolkit

ISSUE_FIELDS = {"schema", "os", "nvidia_driver", "gpus", "cuda_toolkit", "cudnn", "frameworks"}


def unexplained(facts: Facts) -> list[str]:
    """The unknown facts that have no reason in `missing`."""
    missing = dict(facts.missing)
    unknown = [
        name
        for name in ("nvidia_driver", "cuda_toolkit", "cudnn", "kernel_module_version", "nouveau_loaded")
        if getattr(facts, name) is None
    ]
    unknown += [f"system.{f.name}" for f in fields(facts.system) if getattr(facts.system, f.name) is None]
    unknown += [name for name in ("gpus", "frameworks") if not getattr(facts, name)]
    return [name for name in unknown if name not in missing]


def test_live_gather_on_this_machine_finishes_and_says_why_each_fact_is_missing() -> None:
    started = time.monotonic()
    with Engine() as engine:
        facts = gather_facts(engine)
    elapsed_s = time.monotonic() - started
    print(f"live gather took {elapsed_s:.1f} s")
    # Not a timing test (about 3 s alone, 23 s on a loaded shared machine): a bound that only a
    # command left waiting past its own timeout (apt 30 s, a probe 60 s) would break.
    assert elapsed_s < 90
    assert not facts.simulated and facts.os == "linux"
    assert unexplained(facts) == []
    if not facts.gpus:  # the test machine has no NVIDIA driver: NVML's own cause is kept
        assert facts.nvml_error is not None and facts.nvidia_driver is None


def test_demo_gather_is_simulated_with_the_demo_gpus() -> None:
    with Engine(EngineOptions(demo="rtx4090")) as engine:
        facts = gather_facts(engine, places=Places(conda_search=False))
    assert facts.simulated and [gpu.compute_capability for gpu in facts.gpus] == ["8.9"]
    assert facts.nvidia_driver is None and "SIMULATED" in dict(facts.missing)["nvidia_driver"]
    doc = facts_to_json(facts)
    assert doc["simulated"] is True and "SIMULATED" in doc["gpus"][0]["name"]


def test_gather_on_a_fake_machine_reads_every_source(tmp_path: Path) -> None:
    root = tmp_path / "root"
    toolkit(root / "usr/local/cuda-12.4", "12.4.1", "12.4.127")
    write(root / "usr/local/cuda-12.4/include/cudnn_version.h", CUDNN_9_1_0)
    write(root / "usr/local/cuda-12.4/lib64/libcudart.so.12", "")
    write(root / "etc/ufw/ufw.conf", "ENABLED=yes\n")
    write(root / "etc/ssh/sshd_config", "PasswordAuthentication no\n")
    write(
        root / "var/lib/update-notifier/updates-available",
        "3 updates can be applied immediately.\n1 of these updates is a standard security update.\n",
    )
    procfs = tmp_path / "proc"
    write(procfs / "modules", "nouveau 2396160 0 - Live 0x0\n")
    answer = {
        "schema": "aiwm.probe/1",
        "frameworks": [
            {
                "name": "torch",
                "version": "2.5.1+cu124",
                "cuda": "12.4",
                "cudnn": 90100,
                "arch_list": ["sm_80", "sm_86", "sm_90"],
                "cuda_available": True,
            }
        ],
        "packages": [{"name": "nvidia-cudnn-cu12", "version": "9.1.0.70", "path": "/x"}],
    }
    user_env = tmp_path / "venv"
    script(user_env / "bin/python", f"echo '{json.dumps(answer)}'\n")
    own = script(tmp_path / "own/bin/python", 'echo \'{"schema": "aiwm.probe/1", "frameworks": []}\'\n')
    lsblk = {"blockdevices": [{"name": "sda", "type": "disk", "mountpoints": ["/"], "fstype": "ext4"}]}
    run, _ = answering({"lsblk": CommandResult(0, json.dumps(lsblk), "")}, others=run_command)
    env = {"PATH": "", "LD_LIBRARY_PATH": str(root / "usr/local/cuda-12.4/lib64")}
    places = Places(
        root=root,
        procfs=procfs,
        sysfs=tmp_path / "sys",
        env=env,
        home=tmp_path / "home",
        windows=False,
        run=run,
        own_interpreter=own,
        data_folder=tmp_path / "data",
    )
    with Engine(EngineOptions(demo="rtx4090")) as engine:
        facts = gather_facts(engine, [user_env, tmp_path / "not-an-env"], places)
    assert facts.cuda_toolkit == "12.4" and facts.cudnn == "9.1.0"
    assert [(c.version, c.found_by) for c in facts.cudnns] == [
        ("9.1.0", "cudnn_version.h"),
        ("9.1.0.70", "pip nvidia-cudnn-cu12"),
    ]
    (torch,) = facts.frameworks
    assert (torch.version, torch.cudnn, torch.environment) == ("2.5.1+cu124", "9.1.0", str(user_env / "bin/python"))
    assert facts.cuda_library_paths == (str(root / "usr/local/cuda-12.4/lib64"),)
    assert (facts.system.firewall_active, facts.system.ssh_password_login) == (True, False)
    assert (facts.system.pending_security_updates, facts.system.data_folder_encrypted) == (1, False)
    assert "not a Python environment" in dict(facts.missing)[f"environments[{tmp_path / 'not-an-env'}]"]


def test_a_bundled_program_does_not_probe_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    run, calls = answering({})
    with Engine(EngineOptions(demo="rtx4090")) as engine:
        facts = gather_facts(
            engine, places=Places(root=tmp_path, env={"PATH": ""}, run=run, conda_search=False, data_folder=tmp_path)
        )
    assert "bundle" in dict(facts.missing)["environments[own]"] and facts.frameworks == ()
    assert not any(Path(call[0]).name.startswith("python") for call in calls)


def test_the_facts_document_uses_the_issue_field_names_and_missing_by_path() -> None:
    facts = Facts(
        os="linux",
        nvidia_driver="535.104.05",
        gpus=(),
        cuda_toolkit=None,
        cudnn=None,
        frameworks=(),
        missing=(("cuda_toolkit", "none found"),),
    )
    doc = facts_to_json(facts)
    assert doc.keys() >= ISSUE_FIELDS and doc["schema"] == FACTS_SCHEMA == "aiwm.facts/1"
    assert doc["nvidia_driver"] == "535.104.05" and doc["missing"]["cuda_toolkit"] == "none found"
    assert json.loads(json.dumps(doc)) == doc


def test_snapshot_json_carries_the_facts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshot", "--json", "--demo", "rtx4090"]) == 0
    doc = json.loads(capsys.readouterr().out)
    facts = doc["facts"]
    assert facts["schema"] == "aiwm.facts/1" and facts["simulated"] is True
    assert [gpu["compute_capability"] for gpu in facts["gpus"]] == ["8.9"]
    assert facts.keys() >= ISSUE_FIELDS


def test_a_pip_only_cudnn_is_given_as_major_minor_patch(tmp_path: Path) -> None:
    answer = {
        "schema": "aiwm.probe/1",
        "frameworks": [],
        "packages": [{"name": "nvidia-cudnn-cu12", "version": "9.1.0.70", "path": "/site"}],
    }
    own = script(tmp_path / "own/bin/python", f"echo '{json.dumps(answer)}'\n")
    run, _ = answering({}, others=run_command)
    places = Places(
        root=tmp_path, env={"PATH": ""}, run=run, own_interpreter=own, conda_search=False, data_folder=tmp_path
    )
    with Engine(EngineOptions(demo="rtx4090")) as engine:
        facts = gather_facts(engine, places=places)
    assert facts.cudnn == "9.1.0" and facts.cudnns[0].version == "9.1.0.70" and facts.cudnns[0].cuda_major == 12


def test_every_null_in_the_facts_document_has_a_reason_including_those_that_mean_none() -> None:
    cpu_torch = FrameworkFact("torch", "2.3.0+cpu", None, None, None, False, "/env/bin/python")
    facts = Facts(
        os="linux",
        nvidia_driver=None,
        gpus=(GpuFact("NVIDIA GeForce RTX 4090", "8.9"),),
        cuda_toolkit=None,
        cudnn=None,
        frameworks=(cpu_torch,),
        missing=(("nvidia_driver", "NVML: not installed"),),
    )
    missing = facts_to_json(facts)["missing"]
    assert missing["nvidia_driver"] == "NVML: not installed"  # the gathering's own reason is kept
    assert "CPU-only" in missing["frameworks[0].cuda"] and "without error" in missing["frameworks[0].error"]
    assert "no NVML error" in missing["nvml_error"] and "gpus[0].pcie_gen_max" in missing
    assert "knowledge tables" in missing["frameworks[0].arch_list"]


def test_every_environment_asked_is_recorded_with_its_outcome(tmp_path: Path) -> None:
    """An environment whose probe hangs is `timed_out` (not "no framework"); one that answers is `answered`."""
    own = script(
        tmp_path / "own/bin/python", 'echo \'{"schema": "aiwm.probe/1", "python": "3.12.3", "frameworks": []}\'\n'
    )
    hung = tmp_path / "hung"
    script(hung / "bin/python", "exec sleep 30\n")
    run, _ = answering({})
    places = Places(
        root=tmp_path,
        env={"PATH": ""},
        run=run,
        own_interpreter=own,
        conda_search=False,
        data_folder=tmp_path,
        probe_timeout_s=1.0,
    )
    with Engine(EngineOptions(demo="rtx4090")) as engine:
        facts = gather_facts(engine, [hung], places)
    assert [(e.interpreter, e.outcome, e.problem, e.python) for e in facts.environments] == [
        (str(own), "answered", None, "3.12.3"),
        (str(hung / "bin/python"), "timed_out", "timed out after 1 s", None),
    ]
