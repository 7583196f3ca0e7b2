"""Where `aiwm serve` listens: parsing `--listen`, a port in use, and TLS with a client CA."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from app.core.errors import UserError
from app.fleet.exporter.server import ListenAddress, TlsFiles, parse_listen, start_server
from app.fleet.exporter.tls_server import CONNECTION_TIMEOUT_S
from tests.fleet.exporter.helpers import collector_with, gpu_info, gpu_reading, gpu_sample


@pytest.mark.parametrize(
    ("text", "host", "port"),
    [
        ("127.0.0.1:9400", "127.0.0.1", 9400),
        ("0.0.0.0:9100", "0.0.0.0", 9100),
        ("[::1]:9400", "::1", 9400),
        ("[::]:80", "::", 80),
        ("localhost:9400", "localhost", 9400),
        ("10.0.0.5:0", "10.0.0.5", 0),
    ],
)
def test_listen_addresses_are_parsed(text: str, host: str, port: int) -> None:
    assert parse_listen(text) == ListenAddress(host, port)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("9400", "ADDRESS:PORT"),
        (":9400", "ADDRESS:PORT"),
        ("127.0.0.1:", "port must be a number"),
        ("127.0.0.1:65536", "port must be a number"),
        ("127.0.0.1:-1", "port must be a number"),
        ("127.0.0.1:http", "port must be a number"),
        ("300.1.1.1:9400", "not an IP address"),
        ("example.com:9400", "not an IP address"),
        ("::1:9400", "in brackets"),
        ("[127.0.0.1]:9400", "brackets are for IPv6"),
        ("[::1:9400", "in brackets"),
    ],
)
def test_a_bad_listen_address_is_one_clear_user_error(text: str, says: str) -> None:
    with pytest.raises(UserError) as error:
        parse_listen(text)
    assert says in str(error.value)
    assert "\n" not in str(error.value)


def test_only_loopback_addresses_count_as_this_machine_only() -> None:
    assert parse_listen("127.0.0.1:1").is_loopback
    assert parse_listen("[::1]:1").is_loopback
    assert parse_listen("localhost:1").is_loopback
    assert not parse_listen("0.0.0.0:1").is_loopback
    assert not parse_listen("192.168.1.10:1").is_loopback


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(collector_with(gpu_sample(gpu_reading(0, temperature_c=58.0)), gpus=(gpu_info(0),)))
    return registry


def test_a_port_in_use_is_one_clear_user_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UserError, match=f"--listen 127.0.0.1:{port}: cannot listen there: Address already in use"):
            start_server(ListenAddress("127.0.0.1", port), _registry())


def test_ipv6_loopback_serves_metrics() -> None:
    if not socket.has_ipv6:
        pytest.skip("this Python has no IPv6")
    try:
        server, thread = start_server(ListenAddress("::1", 0), _registry())
    except UserError as error:
        pytest.skip(f"no IPv6 loopback here: {error}")
    try:
        with urllib.request.urlopen(f"http://[::1]:{server.server_address[1]}/metrics", timeout=5) as response:
            assert b"DCGM_FI_DEV_GPU_TEMP" in response.read()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture
def certificates(tmp_path: Path) -> Path:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl program is not installed (Debian package openssl)")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        "req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=test CA", cwd=tmp_path
    )
    for name, extra in (("server", ["-addext", "subjectAltName=IP:127.0.0.1"]), ("client", [])):
        _openssl(
            "req", *key, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", *extra, cwd=tmp_path
        )
        _openssl(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", "-copy_extensions", "copy", cwd=tmp_path,
        )  # fmt: skip
    return tmp_path


@pytest.fixture
def tls_server(certificates: Path) -> Iterator[int]:
    tls = TlsFiles(certificates / "server.pem", certificates / "server.key", certificates / "ca.pem")
    server, thread = start_server(ListenAddress("127.0.0.1", 0), _registry(), tls)
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _client(certificates: Path, with_certificate: bool) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(certificates / "ca.pem"))
    if with_certificate:
        context.load_cert_chain(str(certificates / "client.pem"), str(certificates / "client.key"))
    return context


def test_tls_with_a_client_ca_serves_a_scraper_with_a_client_certificate(certificates: Path, tls_server: int) -> None:
    url = f"https://127.0.0.1:{tls_server}/metrics"
    with urllib.request.urlopen(url, context=_client(certificates, True), timeout=5) as response:
        text = response.read().decode()
    assert "DCGM_FI_DEV_GPU_TEMP{" in text and "} 58.0" in text


def _fetch(url: str, context: ssl.SSLContext | None = None) -> bytes:
    with urllib.request.urlopen(url, context=context, timeout=5) as response:
        body: bytes = response.read()
    return body


def test_tls_with_a_client_ca_refuses_a_scraper_without_a_certificate(certificates: Path, tls_server: int) -> None:
    with pytest.raises((ssl.SSLError, urllib.error.URLError, ConnectionError)):
        _fetch(f"https://127.0.0.1:{tls_server}/metrics", _client(certificates, False))


def test_plain_http_to_the_tls_port_gets_no_metrics(tls_server: int) -> None:
    try:
        body = _fetch(f"http://127.0.0.1:{tls_server}/metrics")
    except (urllib.error.URLError, OSError):
        body = b""
    assert b"DCGM_FI_DEV_GPU_TEMP" not in body


def test_a_key_that_does_not_match_the_certificate_is_one_clear_user_error(certificates: Path) -> None:
    tls = TlsFiles(certificates / "server.pem", certificates / "client.key", None)
    with pytest.raises(UserError, match="--tls-cert/--tls-key/--tls-client-ca: cannot use them"):
        start_server(ListenAddress("127.0.0.1", 0), _registry(), tls)


def _idle_connection(port: int) -> socket.socket:
    """A plain TCP connection that sends nothing, as a port scanner or a stuck client leaves one."""
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def test_an_idle_tcp_connection_never_blocks_a_tls_scrape_with_a_client_certificate(
    certificates: Path, tls_server: int
) -> None:
    """prometheus_client's own server did the handshake in its accept loop: one idle connection held
    every scrape until it closed. The answer must come within 2 s while the idle one stays open."""
    with _idle_connection(tls_server), _idle_connection(tls_server):
        started = time.monotonic()
        with urllib.request.urlopen(
            f"https://127.0.0.1:{tls_server}/metrics", context=_client(certificates, True), timeout=2
        ) as response:
            text = response.read().decode()
        assert time.monotonic() - started < 2
    assert "DCGM_FI_DEV_GPU_TEMP{" in text


def test_a_half_open_tls_handshake_is_dropped_after_the_connection_timeout(certificates: Path) -> None:
    tls = TlsFiles(certificates / "server.pem", certificates / "server.key", certificates / "ca.pem")
    server, thread = start_server(ListenAddress("127.0.0.1", 0), _registry(), tls)
    server.connection_timeout_s = 0.5  # type: ignore[attr-defined]
    try:
        with _idle_connection(server.server_address[1]) as half_open:
            half_open.sendall(b"\x16\x03\x01")  # the first bytes of a TLS record, then nothing more
            started = time.monotonic()
            assert half_open.recv(1024) == b""  # the server closed it
            assert 0.3 < time.monotonic() - started < 4
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_tls_connection_timeout_is_bounded_and_not_zero() -> None:
    assert 1 <= CONNECTION_TIMEOUT_S <= 30


def test_an_idle_plain_http_connection_never_blocks_a_scrape() -> None:
    server, thread = start_server(ListenAddress("127.0.0.1", 0), _registry())
    port = server.server_address[1]
    try:
        with _idle_connection(port), _idle_connection(port):
            started = time.monotonic()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
                assert b"DCGM_FI_DEV_GPU_TEMP{" in response.read()
            assert time.monotonic() - started < 2
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("[::1:9400", "e.g. [::1]:9400"), ("::1:9400", "e.g. [::1]:9400"), ("fe80::1]:80", "e.g. [fe80::1]:80")],
)
def test_an_ipv6_address_without_its_brackets_gets_a_suggestion_with_one_pair(text: str, suggestion: str) -> None:
    with pytest.raises(UserError) as error:
        parse_listen(text)
    assert str(error.value).endswith(suggestion)
    assert "[[" not in str(error.value) and "]]" not in str(error.value)


def test_a_port_in_use_without_listen_says_which_port_and_how_to_pick_another() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UserError) as error:
            start_server(ListenAddress("127.0.0.1", port), _registry(), listen_given=False)
    assert str(error.value) == (
        f"port {port} is in use (another exporter? dcgm-exporter?): pick another with --listen 127.0.0.1:PORT"
    )
