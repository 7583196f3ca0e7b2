"""A real OpenSSH server for tests: Debian's /usr/sbin/sshd on a free loopback port, with its own
keys and configs in a work folder, never the machine's own sshd, host keys or ~/.ssh.

The remote `aiwm` is a shim in the work folder (first on the session's PATH) that runs
`remote_aiwm` with the arguments ssh passed: by default this checkout's `aiwm`
(`aiwm_command()` with the repository on PYTHONPATH), or a test's replay script.

    with LocalSshd(tmp_path) as sshd:
        host = RemoteHost(sshd.alias, ssh_options=sshd.ssh_options)
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import psutil
import pytest

from app.core.self_command import aiwm_command

SSHD = Path("/usr/sbin/sshd")
REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 10.0


def require_sshd() -> None:
    """Skip, saying why, when Debian's openssh-server is not installed here; on CI (.ci/run installs
    it) a missing sshd is a failure, not a skip."""
    if SSHD.is_file() and shutil.which("ssh-keygen") and shutil.which("ssh"):
        return
    reason = f"{SSHD} or the OpenSSH client is not installed (Debian: apt-get install openssh-server openssh-client)"
    if os.environ.get("CI"):
        pytest.fail(f"on CI .ci/run installs openssh-server: {reason}")
    print(f"SKIP: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def keygen(path: Path) -> str:
    """A new ed25519 key pair without a passphrase; returns the public key line."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "aiwm-test", "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=30,
    )
    return path.with_suffix(".pub").read_text().strip()


class LocalSshd:
    """A test's own sshd on 127.0.0.1 and a client config naming it `alias`.

    Attributes once entered: `alias`, `ssh_options` (("-F", client config)), `port`, `user`,
    `workdir`, `host_key_line` (the known_hosts line), `client_key` (the private key's path).
    """

    def __init__(
        self, workdir: Path, remote_aiwm: Sequence[str] | None = None, system_path: str = "/usr/local/bin:/usr/bin:/bin"
    ) -> None:
        self.workdir = Path(workdir)
        # The remote PATH after the shim folder; "" leaves only the shim folder, so a test of a host
        # without aiwm is not fooled by an aiwm installed on this machine (/usr/bin/aiwm from the .deb).
        self.system_path = system_path
        self.remote_aiwm = tuple(remote_aiwm) if remote_aiwm is not None else tuple(aiwm_command())
        self.alias = "aiwm-test-host"
        self.user = getpass.getuser()
        self.port = 0
        self.ssh_options: tuple[str, ...] = ()
        self.host_key_line = ""
        self.client_key = self.workdir / "client_key"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LocalSshd:
        require_sshd()
        self.workdir.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(PermissionError):  # sshd's privilege-separation folder (root creates it)
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        host_key = self.workdir / "ssh_host_ed25519_key"
        host_public = keygen(host_key)
        (self.workdir / "authorized_keys").write_text(keygen(self.client_key) + "\n")
        self._write_shim()
        self.port = free_port()
        self.host_key_line = f"[127.0.0.1]:{self.port} {' '.join(host_public.split()[:2])}"
        (self.workdir / "known_hosts").write_text(self.host_key_line + "\n")
        self._write_sshd_config(host_key)
        client_config = self.write_client_config("ssh_config")
        self.ssh_options = ("-F", str(client_config))
        self._start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def write_client_config(self, name: str, known_hosts: Path | None = None, identity: Path | None = None) -> Path:
        """A client config with the alias, its own known_hosts and key (tests pass other ones)."""
        path = self.workdir / name
        path.write_text(
            f"Host {self.alias}\n"
            "  HostName 127.0.0.1\n"
            f"  Port {self.port}\n"
            f"  User {self.user}\n"
            f"  IdentityFile {identity or self.client_key}\n"
            "  IdentitiesOnly yes\n"
            "  IdentityAgent none\n"
            f"  UserKnownHostsFile {known_hosts or self.workdir / 'known_hosts'}\n"
            "  GlobalKnownHostsFile /dev/null\n"
            "  StrictHostKeyChecking yes\n"
            "  UpdateHostKeys no\n"
            "  ControlMaster no\n"
            "  ControlPath none\n"
        )
        return path

    def _write_shim(self) -> None:
        """`bin/aiwm`: runs `remote_aiwm`, this checkout importable, the data folder in the work folder."""
        bin_dir = self.workdir / "bin"
        bin_dir.mkdir(exist_ok=True)
        shim = bin_dir / "aiwm"
        shim.write_text(
            "#!/bin/sh\n"
            f"export PYTHONPATH={shlex.quote(str(REPO))}\n"
            f"export AIWM_HOME={shlex.quote(str(self.workdir / 'remote-home'))}\n"
            f"cd {shlex.quote(str(self.workdir))}\n"
            f'exec {shlex.join(self.remote_aiwm)} "$@"\n'
        )
        shim.chmod(0o755)

    def _write_sshd_config(self, host_key: Path) -> None:
        # SHLVL=5: bash sources ~/.bashrc for a command run by sshd only at shell level < 2, and a
        # user's .bashrc (pyenv, conda) must neither change PATH nor slow every connection here.
        (self.workdir / "sshd_config").write_text(
            f"Port {self.port}\n"
            "ListenAddress 127.0.0.1\n"
            f"HostKey {host_key}\n"
            f"PidFile {self.workdir / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {self.workdir / 'authorized_keys'}\n"
            "UsePAM no\n"
            "StrictModes no\n"
            "PermitRootLogin prohibit-password\n"
            "PubkeyAuthentication yes\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            f"AllowUsers {self.user}\n"
            "PrintMotd no\n"
            "PrintLastLog no\n"
            "X11Forwarding no\n"
            f"SetEnv PATH={':'.join(filter(None, [str(self.workdir / 'bin'), self.system_path]))} SHLVL=5\n"
            "LogLevel VERBOSE\n"
        )

    def _start(self) -> None:
        log = self.workdir / "sshd.log"
        self._process = subprocess.Popen(
            [str(SSHD), "-D", "-f", str(self.workdir / "sshd_config"), "-E", str(log)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                stderr = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                log_text = log.read_text(errors="replace") if log.exists() else ""
                raise RuntimeError(f"sshd ended at once (exit {self._process.returncode}): {stderr} {log_text}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"sshd did not listen on 127.0.0.1:{self.port} within {START_TIMEOUT_S:g} s")

    def session_processes(self) -> list[psutil.Process]:
        """The per-connection sshd processes and what they run (sshd starts them in new sessions,
        so only the parent links tie them to this server)."""
        if self._process is None or self._process.poll() is not None:
            return []
        try:
            return psutil.Process(self._process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        """End the server and every session it started; nothing is left running."""
        process, self._process = self._process, None
        if process is None:
            return
        try:
            children = psutil.Process(process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        process.terminate()
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
        psutil.wait_procs(children, timeout=5)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stderr is not None:
            process.stderr.close()
