"""`aiwm serve` on the command line: one-line errors with exit 2, and a real run stopped by a signal."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

from app.cli import main
from app.cli.serve import _say_where
from app.fleet.exporter.server import parse_listen
from tests.fleet.exporter.helpers import fetch_metrics, start_serving


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--listen", "9400"], "--listen '9400': give ADDRESS:PORT"),
        (["--listen", "127.0.0.1:99999"], "the port must be a number from 0 to 65535"),
        (["--listen", "::1:9400"], "put an IPv6 address in brackets"),
        (["--tls-key", "k.pem"], "--tls-cert and --tls-key go together"),
        (["--tls-client-ca", "ca.pem"], "--tls-client-ca needs --tls-cert and --tls-key"),
        (["--tls-cert", "nope.pem", "--tls-key", "nope.key"], "--tls-cert nope.pem: no such file"),
        (["--demo", "--time-scale", "10"], "--time-scale: the exporter serves readings in real time"),
        (["--demo", "no-such-gpu"], "no-such-gpu"),
        (["--interval", "0.01"], "below the shortest interval"),
        (["--interval", "1e300"], "1e300 is longer than the longest interval, 3600 s"),
        (["--interval", "3600.5"], "longer than the longest interval"),
        (["--listen", ""], "--listen: give ADDRESS:PORT"),
        (["--listen", "  "], "--listen: give ADDRESS:PORT"),
        (["--tls-cert", ".", "--tls-key", "."], "--tls-cert .: that is a folder; give the PEM file itself"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_status(["serve", *args]) == 2
    err = capsys.readouterr().err
    assert says in err
    assert err.count("\n") == 1 and err.startswith("aiwm: error: "), err


def _exit_status(argv: list[str]) -> int | str | None:
    """`main`'s exit status, whether it returns it or argparse exits with it."""
    try:
        return main(argv)
    except SystemExit as exit_:
        return exit_.code


def test_a_port_in_use_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--demo", "--listen", f"127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert err == f"aiwm: error: --listen 127.0.0.1:{port}: cannot listen there: Address already in use\n"


def test_the_default_port_in_use_says_so_and_how_to_pick_another(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --listen the user named no address: the message must not blame a --listen they never gave."""
    import app.fleet.exporter.server as server

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setattr(server, "DEFAULT_LISTEN", f"127.0.0.1:{port}")
        assert main(["serve", "--demo"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"aiwm: error: port {port} is in use (another exporter? dcgm-exporter?): pick another with"
        " --listen 127.0.0.1:PORT\n"
    )


def test_serve_help_describes_the_command_and_its_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_status(["serve", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "/metrics" in out and "Prometheus" in out and "127.0.0.1:9400" in out
    assert "Exit status: 0 when stopped by a signal, 2 for bad input" in out


def test_stream_interval_has_the_same_upper_bound(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_status(["stream", "--interval", "1e300"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1e300 is longer than the longest interval, 3600 s" in err


def test_listening_beyond_this_machine_without_tls_warns(capsys: pytest.CaptureFixture[str]) -> None:
    _say_where(parse_listen("0.0.0.0:9400"), 9400, tls=False, simulated=False)
    err = capsys.readouterr().err
    assert "serving metrics on http://0.0.0.0:9400/metrics" in err
    assert "warning: 0.0.0.0 is reachable from other machines" in err


def test_localhost_and_tls_do_not_warn(capsys: pytest.CaptureFixture[str]) -> None:
    _say_where(parse_listen("127.0.0.1:9400"), 9400, tls=False, simulated=True)
    _say_where(parse_listen("0.0.0.0:9400"), 9400, tls=True, simulated=False)
    err = capsys.readouterr().err
    assert "warning" not in err
    assert "serving SIMULATED GPUs, metrics on http://127.0.0.1:9400/metrics" in err
    assert "https://0.0.0.0:9400/metrics" in err


def test_the_default_listen_address_is_localhost_9400() -> None:
    from app.cli.arguments import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.listen is None  # serve_command then uses the default below
    from app.fleet.exporter.server import DEFAULT_LISTEN

    assert DEFAULT_LISTEN == "127.0.0.1:9400"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_demo_serves_simulated_gpus_and_a_signal_ends_it_with_exit_0(signum: int) -> None:
    process, url = start_serving()
    try:
        text = fetch_metrics(url, "DCGM_FI_DEV_GPU_TEMP{")
        temps = [line for line in text.splitlines() if line.startswith("DCGM_FI_DEV_GPU_TEMP{")]
        assert len(temps) == 2  # the default demo: rtx4090 and rtx3090
        assert all('simulated="true"' in line and 'device="nvidia' in line for line in temps)
        process.send_signal(signum)
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        assert process.stderr is not None
        process.stderr.close()


def test_without_a_readable_gpu_it_says_so_and_serves_the_host_metrics() -> None:
    env = {**os.environ, "AIWM_NVML_LIBRARY": "/nonexistent/libnvidia-ml.so.1"}
    process, url = start_serving(demo=False, env=env)
    try:
        assert process.stderr is not None
        assert "no GPU metrics: AIWM_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1" in process.stderr.readline()
        text = fetch_metrics(url, "aiwm_mem_used_bytes{")
        assert "aiwm_mem_used_bytes{" in text
        assert "DCGM_" not in text
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        assert process.stderr is not None
        process.stderr.close()


def test_other_commands_do_not_load_prometheus_client() -> None:
    code = (
        "import sys; from app.cli.arguments import build_parser; build_parser();"
        " print('prometheus_client' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"


def test_a_served_child_finds_sigint_at_its_default_even_when_the_test_run_ignores_it() -> None:
    """The cause of the flaky SIGINT test: a test run in the background ignores SIGINT, and so did the child."""
    from tests.fleet.exporter.helpers import sigint_at_default_for_children

    code = "import signal; print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)"
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        inherited = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        with sigint_at_default_for_children():
            started = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # put back as it was
    finally:
        signal.signal(signal.SIGINT, previous)
    assert inherited.stdout.strip() == "True"  # what the child saw before the fix
    assert started.stdout.strip() == "False"
