"""The framework probe end to end: the real probe script run by a Python that has fake torch,
TensorFlow and JAX packages on its path, and fake interpreters that answer fixed JSON, garbage,
nothing, or too late."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from app.doctor.facts.frameworks import parse_probe, probe_environment
from app.doctor.records import EnvironmentFact

from .conftest import script, write

# torch.cuda.get_arch_list() of the official 2.5.1+cu124 Linux wheel (pytorch/builder's TORCH_CUDA_ARCH_LIST for 12.4)
TORCH_ARCHS = ["sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"]

FAKE_TORCH = """
print("torch prints while importing; the probe must keep stdout clean")
__version__ = "2.5.1+cu124"
class version:
    cuda = "12.4"
class backends:
    class cudnn:
        @staticmethod
        def version():
            return 90100
class cuda:
    @staticmethod
    def get_arch_list():
        return {archs!r} if {available} else []
    @staticmethod
    def is_available():
        return {available}
"""


def dist_info(site: Path, name: str, version: str) -> None:
    """A minimal installed-distribution record, what importlib.metadata reads."""
    write(
        site / f"{name.replace('-', '_')}-{version}.dist-info/METADATA",
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
    )


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on the probed interpreter's path (PYTHONPATH reaches the subprocess)."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.setenv("PYTHONPATH", str(folder))
    return folder


def test_probe_reads_a_cuda_torch_with_its_cudnn_integer_decoded(site: Path) -> None:
    write(site / "torch/__init__.py", FAKE_TORCH.format(archs=TORCH_ARCHS, available=True))
    dist_info(site, "nvidia-cudnn-cu12", "9.1.0.70")
    answer = probe_environment(Path(sys.executable), timeout_s=60)
    assert answer.missing == ()
    (torch,) = answer.frameworks
    assert (torch.name, torch.version, torch.cuda, torch.cudnn) == ("torch", "2.5.1+cu124", "12.4", "9.1.0")
    assert torch.arch_list == tuple(TORCH_ARCHS) and torch.cuda_available is True
    assert torch.environment == sys.executable and torch.error is None
    (pip,) = answer.cudnns
    assert (pip.version, pip.found_by, pip.cuda_major) == ("9.1.0.70", "pip nvidia-cudnn-cu12", 12)


def test_the_probe_reports_torchvision_torchaudio_and_the_python_version(site: Path) -> None:
    write(site / "torch/__init__.py", FAKE_TORCH.format(archs=TORCH_ARCHS, available=True))
    dist_info(site, "torchvision", "0.20.1")
    dist_info(site, "torchaudio", "2.5.1")
    answer = probe_environment(Path(sys.executable), timeout_s=60)
    (torch,) = answer.frameworks
    assert torch.companions == (("torchvision", "0.20.1"), ("torchaudio", "2.5.1"))
    python = ".".join(str(part) for part in sys.version_info[:3])
    assert torch.python == python
    assert answer.environment == EnvironmentFact(sys.executable, "answered", None, python)


def test_a_torch_without_torchvision_reports_none_installed(site: Path) -> None:
    write(site / "torch/__init__.py", FAKE_TORCH.format(archs=TORCH_ARCHS, available=True))
    (torch,) = probe_environment(Path(sys.executable), timeout_s=60).frameworks
    assert torch.companions == ()


def test_an_empty_arch_list_while_cuda_is_unavailable_is_unknown_not_empty(site: Path) -> None:
    # torch.cuda.get_arch_list() returns [] whenever CUDA is unavailable, even for a CUDA build
    write(site / "torch/__init__.py", FAKE_TORCH.format(archs=TORCH_ARCHS, available=False))
    answer = probe_environment(Path(sys.executable), timeout_s=60)
    (torch,) = answer.frameworks
    assert torch.arch_list is None and torch.cuda_available is False and torch.cuda == "12.4"
    assert [(i, field) for i, field, _ in answer.framework_reasons] == [(0, "arch_list")]


def test_a_framework_that_fails_to_import_is_reported_with_its_error_and_installed_version(site: Path) -> None:
    write(site / "torch/__init__.py", "raise ImportError('libcudnn.so.9: cannot open shared object file')\n")
    dist_info(site, "torch", "2.5.1")
    (torch,) = probe_environment(Path(sys.executable), timeout_s=60).frameworks
    assert torch.version == "2.5.1" and torch.error is not None and "libcudnn.so.9" in torch.error
    assert torch.cuda is None and torch.arch_list is None


def test_tensorflow_and_jax_are_read_from_their_build_info_and_plugin(site: Path) -> None:
    write(
        site / "tensorflow/__init__.py",
        "__version__ = '2.16.1'\n"
        "class sysconfig:\n"
        "    @staticmethod\n"
        "    def get_build_info():\n"
        "        return {'cuda_version': '12.3', 'cudnn_version': '8', 'is_cuda_build': True,\n"
        "                'cuda_compute_capabilities': ['sm_60', 'sm_70', 'sm_80', 'sm_89', 'compute_90']}\n"
        "class config:\n"
        "    @staticmethod\n"
        "    def list_physical_devices(kind):\n"
        "        return []\n",
    )
    write(
        site / "jax/__init__.py",
        "__version__ = '0.4.30'\nclass _Cpu:\n    platform = 'cpu'\ndef devices():\n    return [_Cpu()]\n",
    )
    dist_info(site, "jax-cuda12-plugin", "0.4.30")
    answer = probe_environment(Path(sys.executable), timeout_s=60)
    tf, jax = answer.frameworks
    assert (tf.name, tf.version, tf.cuda, tf.cudnn, tf.cuda_available) == ("tensorflow", "2.16.1", "12.3", "8", False)
    assert tf.arch_list == ("sm_60", "sm_70", "sm_80", "sm_89", "compute_90")
    assert (jax.name, jax.version, jax.cuda, jax.cuda_available, jax.arch_list) == ("jax", "0.4.30", "12", False, None)


def test_an_environment_without_frameworks_answers_nothing_missing(site: Path) -> None:
    answer = probe_environment(Path(sys.executable), timeout_s=60)
    assert answer.frameworks == () and answer.cudnns == () and answer.missing == ()


def fake_python(tmp_path: Path, body: str) -> Path:
    return script(tmp_path / "env/bin/python", body)


def test_a_fake_interpreter_answering_fixed_json_is_parsed(tmp_path: Path) -> None:
    document = {
        "schema": "aiwm.probe/1",
        "frameworks": [
            {
                "name": "torch",
                "version": "2.3.0+cpu",
                "cuda": None,
                "cudnn": None,
                "arch_list": [],
                "cuda_available": False,
            }
        ],
        "packages": [],
    }
    python = fake_python(tmp_path, f"echo 'some warning'\necho '{json.dumps(document)}'\n")
    (torch,) = probe_environment(python, timeout_s=10).frameworks
    assert (torch.version, torch.cuda, torch.cudnn, torch.environment) == ("2.3.0+cpu", None, None, str(python))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("echo 'Segmentation fault'; exit 139\n", "exit 139"),
        ('echo \'{"schema": "aiwm.probe/1", "frameworks": [\' \n', "exit 0: "),
        ("echo '[1, 2, 3]'\n", "exit 0: [1, 2, 3]"),
        ('echo \'{"schema": "other/1"}\'\n', "exit 0: "),
        ("echo 'Traceback' >&2; echo 'SyntaxError: invalid syntax' >&2; exit 1\n", "SyntaxError: invalid syntax"),
    ],
)
def test_garbage_or_a_crash_is_a_missing_environment_with_the_reason(tmp_path: Path, body: str, reason: str) -> None:
    python = fake_python(tmp_path, body)
    answer = probe_environment(python, timeout_s=10)
    assert answer.frameworks == ()
    ((path, why),) = answer.missing
    assert path == f"environments[{python}]" and reason in why


def test_a_probe_that_hangs_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    python = fake_python(tmp_path, "exec sleep 30\n")
    answer = probe_environment(python, timeout_s=0.5)
    assert answer.frameworks == () and "timed out after 0.5 s" in dict(answer.missing)[f"environments[{python}]"]
    assert answer.environment == EnvironmentFact(str(python), "timed_out", "timed out after 0.5 s")


def _alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for its parent to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to see whether the grandchild still runs")
def test_a_timed_out_probe_takes_its_children_with_it(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    python = fake_python(tmp_path, f"sleep 1000 &\necho $! > {pidfile}\nsleep 1000\n")
    started = time.monotonic()
    answer = probe_environment(python, timeout_s=1.0)
    assert time.monotonic() - started < 10, "the grandchild holding the output pipe must not keep us waiting"
    assert answer.environment.outcome == "timed_out"
    grandchild = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    still = _alive(grandchild)
    if still:
        os.kill(grandchild, signal.SIGKILL)  # leave nothing behind, then fail
    assert not still, "the probe's child (sleep 1000) outlived the time-out"


def test_entries_of_the_wrong_shape_are_skipped_with_the_reason() -> None:
    answer = parse_probe(
        "py",
        {
            "frameworks": [
                {"version": "1"},
                "torch",
                {"name": "jax", "version": "0.4.30", "cudnn": True, "arch_list": "sm_80"},
            ]
        },
    )
    (jax,) = answer.frameworks
    assert jax.cudnn is None and jax.arch_list is None and len(answer.missing) == 1


def test_a_probe_that_printed_nothing_is_said_once_not_twice(tmp_path: Path) -> None:
    """The finding wraps the reason in "the probe gave no answer (…)"; the reason must not say it again."""
    from app.doctor.checks.environments import environment_findings

    from ..helpers import facts

    python = fake_python(tmp_path, "exit 0\n")
    ((_, why),) = probe_environment(python, timeout_s=10).missing
    assert why == "exit 0: no output"
    environment = EnvironmentFact(str(python), "failed", problem=why)
    detail = environment_findings(facts(environments=(environment,)))[0].detail
    assert detail.count("gave no answer") == 1 and "(exit 0: no output)" in detail
