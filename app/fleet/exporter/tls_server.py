"""The /metrics HTTP(S) server: one thread per connection, the TLS handshake inside that thread.

prometheus_client's own server wraps the listening socket, so the handshake runs in the accept
loop: one client that connects and sends nothing blocks every other scrape until it goes away.
Here the listening socket stays plain; each accepted connection is wrapped and its handshake done
in the connection's own thread, with a time limit, so an idle or half-open connection only ever
holds up itself and is dropped after `CONNECTION_TIMEOUT_S`.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from prometheus_client import make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

# How long one connection may take for its TLS handshake, and then for each read or write of its
# request and answer. Prometheus's default scrape timeout is 10 s; a scrape of two GPUs takes ms.
CONNECTION_TIMEOUT_S = 10.0


class _QuietHandler(WSGIRequestHandler):
    """No access log on standard error: a scrape every second would fill it."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class MetricsServer(ThreadingWSGIServer):
    """prometheus_client's thread-per-connection WSGI server, with TLS done per connection."""

    tls_context: ssl.SSLContext | None = None
    connection_timeout_s: float = CONNECTION_TIMEOUT_S

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Runs in the connection's own thread: the handshake happens here, never in the accept loop."""
        request.settimeout(self.connection_timeout_s)
        if self.tls_context is None:
            super().finish_request(request, client_address)
            return
        try:
            wrapped = self.tls_context.wrap_socket(request, server_side=True, do_handshake_on_connect=False)
        except OSError:
            return
        # A refused client certificate, a half-open handshake or a client that went away drops only
        # this connection; the handshake is bounded by the timeout set above.
        with contextlib.closing(wrapped), contextlib.suppress(OSError):
            wrapped.do_handshake()
            super().finish_request(wrapped, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that times out or breaks ends quietly: it is the client's problem, not ours."""


def serve_in_thread(
    host: str, port: int, registry: CollectorRegistry, tls_context: ssl.SSLContext | None
) -> tuple[WSGIServer, threading.Thread]:
    """Bind, then serve /metrics from `registry` on a daemon thread; an unusable address is an OSError."""
    family, address = _family_and_address(host, port)
    server_class = type("BoundMetricsServer", (MetricsServer,), {"address_family": family})
    server: MetricsServer = server_class((address, port), _QuietHandler)
    server.tls_context = tls_context
    server.set_app(make_wsgi_app(registry))
    thread = threading.Thread(target=server.serve_forever, name="aiwm-metrics-server", daemon=True)
    thread.start()
    return server, thread


def _family_and_address(host: str, port: int) -> tuple[socket.AddressFamily, str]:
    """IPv4 or IPv6, as the address asks (`localhost` resolves to whichever comes first)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, _, _, _, sockaddr = infos[0]
    return family, str(sockaddr[0])
