"""Where `aiwm serve` listens, and prometheus_client's HTTP(S) server started there.

Safe by default: 127.0.0.1:9400 (dcgm-exporter's port). Another address is used only when the user
names it with `--listen`. TLS uses prometheus_client's own options; with a client CA every scrape
must present a certificate that CA signed.
"""

from __future__ import annotations

import errno
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import UserError

if TYPE_CHECKING:
    from threading import Thread
    from wsgiref.simple_server import WSGIServer

    from prometheus_client import CollectorRegistry

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9400  # dcgm-exporter's default (":9400", pkg/cmd/app.go)
DEFAULT_LISTEN = f"{DEFAULT_HOST}:{DEFAULT_PORT}"


@dataclass(frozen=True)
class ListenAddress:
    """An IP address and a port; port 0 asks the system for a free one."""

    host: str
    port: int

    @property
    def is_loopback(self) -> bool:
        return self.host == "localhost" or ipaddress.ip_address(self.host).is_loopback

    def url(self, port: int | None = None, tls: bool = False) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if tls else 'http'}://{host}:{self.port if port is None else port}/metrics"


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path
    client_ca: Path | None = None


def parse_listen(text: str) -> ListenAddress:
    """`127.0.0.1:9400`, `0.0.0.0:9400`, `[::1]:9400` or `localhost:9400`; anything else is a `UserError`."""
    host, separator, port_text = text.rpartition(":")
    if not separator or not host:
        raise UserError(f"--listen {text!r}: give ADDRESS:PORT, e.g. {DEFAULT_LISTEN} or [::1]:{DEFAULT_PORT}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
        if ":" not in host:
            raise UserError(f"--listen {text!r}: brackets are for IPv6 addresses, e.g. [::1]:{DEFAULT_PORT}")
    elif ":" in host:  # an IPv6 address without brackets, or with one bracket left open
        bare = host.strip("[]")
        raise UserError(f"--listen {text!r}: put an IPv6 address in brackets, e.g. [{bare}]:{port_text}")
    return ListenAddress(_checked_host(host, text), _checked_port(port_text, text))


def _checked_host(host: str, text: str) -> str:
    if host == "localhost":
        return host
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        raise UserError(f"--listen {text!r}: {host!r} is not an IP address (or localhost)") from None


def _checked_port(port_text: str, text: str) -> int:
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise UserError(f"--listen {text!r}: the port must be a number from 0 to 65535 (0: any free port)")
    return int(port_text)


def start_server(
    listen: ListenAddress, registry: CollectorRegistry, tls: TlsFiles | None = None, *, listen_given: bool = True
) -> tuple[WSGIServer, Thread]:
    """Serve /metrics on its own thread; a port in use or unusable TLS files is a one-line `UserError`.

    `listen_given` says whether the user named the address with --listen; a port in use then gets
    advice to name another one."""
    from app.fleet.exporter.tls_server import serve_in_thread  # here: the parser reads this module's defaults

    context = None if tls is None else tls_context(tls)  # before binding: a bad file leaves no socket open
    try:
        return serve_in_thread(listen.host, listen.port, registry, context)
    except OSError as error:
        raise UserError(_cannot_listen(listen, error, listen_given)) from None


def _cannot_listen(listen: ListenAddress, error: OSError, listen_given: bool) -> str:
    if error.errno == errno.EADDRINUSE and not listen_given:
        return (
            f"port {listen.port} is in use (another exporter? dcgm-exporter?): pick another with"
            f" --listen {listen.host}:PORT"
        )
    return f"--listen {listen.host}:{listen.port}: cannot listen there: {error.strerror or error}"


def tls_context(tls: TlsFiles) -> ssl.SSLContext:
    """The server's TLS context: its certificate and key, and with a client CA, client certificates
    required (CERT_REQUIRED) and checked against that CA; a problem is a `UserError`."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(str(tls.cert), str(tls.key))
        if tls.client_ca is not None:
            context.load_verify_locations(cafile=str(tls.client_ca))
            context.verify_mode = ssl.CERT_REQUIRED
    except (ssl.SSLError, OSError) as error:
        why = getattr(error, "reason", None) or error.strerror or str(error)
        raise UserError(
            f"--tls-cert/--tls-key/--tls-client-ca: cannot use them: {why} (give PEM files: a certificate, its own"
            " key, and a CA certificate)"
        ) from None
    return context
