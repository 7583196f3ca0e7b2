"""`aiwm serve`: sample with a `LiveSession` and serve the newest readings on /metrics until a signal.

Loaded only when the command runs, like every command module; it imports prometheus_client, which
the other commands never load.
"""

from __future__ import annotations

import argparse
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.output import say
from app.cli.stop_signals import stop_on_signals
from app.core.errors import UserError

if TYPE_CHECKING:
    from app.fleet.exporter.server import ListenAddress, TlsFiles


SERVE_DESCRIPTION = (
    "Sample this machine (or simulated GPUs with --demo) and serve the newest readings on /metrics for"
    " Prometheus: GPU metrics under dcgm-exporter's names and labels (DCGM_FI_DEV_GPU_TEMP, ...), the rest"
    " as aiwm_* metrics; aiwm_source_up says which sources read and which failed. It listens on"
    " 127.0.0.1:9400 (this machine only) unless --listen names another address; --tls-cert and --tls-key"
    " serve HTTPS, and --tls-client-ca admits only scrapers with a certificate that CA signed."
)
SERVE_EPILOG = (
    "It runs until SIGINT (Ctrl+C), SIGTERM or SIGHUP. Exit status: 0 when stopped by a signal, 2 for"
    " bad input (an unusable address, a port in use, unusable TLS files)."
)


def add_serve_arguments(serve: argparse.ArgumentParser, interval: Callable[[str], float]) -> None:
    """`--listen`, `--interval` and the TLS files (`--demo` is added by the caller, as for every command)."""
    from app.fleet.exporter.server import DEFAULT_LISTEN

    serve.add_argument(
        "--listen",
        default=None,
        metavar="ADDRESS:PORT",
        help=f"where to listen (default {DEFAULT_LISTEN}, this machine only; [::1]:9400 for IPv6;"
        " another address only when named here; port 0 picks a free one)",
    )
    serve.add_argument(
        "--interval", type=interval, default=1.0, metavar="S", help="seconds between readings (0.25 to 3600; default 1)"
    )
    serve.add_argument("--tls-cert", type=Path, metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    serve.add_argument("--tls-key", type=Path, metavar="FILE", help="the certificate's private key (PEM)")
    serve.add_argument(
        "--tls-client-ca",
        type=Path,
        metavar="FILE",
        help="accept only scrapers with a client certificate signed by this CA (PEM; needs --tls-cert)",
    )


def serve_command(args: argparse.Namespace) -> int:
    """Serve until SIGINT, SIGTERM or SIGHUP; stopping that way is the normal end (exit 0)."""
    from app.fleet.exporter.server import DEFAULT_LISTEN, parse_listen

    if args.time_scale is not None:
        raise UserError("--time-scale: the exporter serves readings in real time; leave it out")
    if args.listen is not None and not args.listen.strip():
        raise UserError(f"--listen: give ADDRESS:PORT, e.g. {DEFAULT_LISTEN}; leave --listen out for that default")
    listen = parse_listen(DEFAULT_LISTEN if args.listen is None else args.listen)
    tls = _tls_files(args)
    with stop_on_signals() as stop:
        _serve(args, listen, tls, lambda: _wait_for(stop.event))
    return 0


def _wait_for(event: threading.Event) -> None:
    """Wait in short steps, so the signal handler runs promptly on every platform."""
    while not event.wait(0.5):
        pass


def _tls_files(args: argparse.Namespace) -> TlsFiles | None:
    from app.fleet.exporter.server import TlsFiles

    if args.tls_cert is None and args.tls_key is None:
        if args.tls_client_ca is not None:
            raise UserError("--tls-client-ca needs --tls-cert and --tls-key: client certificates need HTTPS")
        return None
    if args.tls_cert is None or args.tls_key is None:
        raise UserError("--tls-cert and --tls-key go together: give both files")
    for option, path in (
        ("--tls-cert", args.tls_cert),
        ("--tls-key", args.tls_key),
        ("--tls-client-ca", args.tls_client_ca),
    ):
        if path is not None and path.is_dir():
            raise UserError(f"{option} {path}: that is a folder; give the PEM file itself")
        if path is not None and not path.is_file():
            raise UserError(f"{option} {path}: no such file")
    return TlsFiles(args.tls_cert, args.tls_key, args.tls_client_ca)


def _serve(args: argparse.Namespace, listen: ListenAddress, tls: TlsFiles | None, wait: Callable[[], object]) -> None:
    """Sample, serve, wait for the stop request, then stop the server before the sampler."""
    from prometheus_client import CollectorRegistry

    from app.core.engine import Engine, EngineOptions
    from app.core.sampling.live import LiveSession
    from app.core.settings import AlertSettings
    from app.fleet.exporter.collector import ReadingsCollector
    from app.fleet.exporter.latest import LatestSamples
    from app.fleet.exporter.server import start_server

    engine = Engine(EngineOptions(demo=args.demo, interval_s=args.interval))
    live = LiveSession(engine, AlertSettings())  # alerts are Prometheus's job here: the rules live there
    latest = LatestSamples()
    live.subscribe(latest.update)
    try:
        registry = CollectorRegistry()
        inventory = engine.inventory()
        registry.register(ReadingsCollector(latest, inventory.gpus, socket.gethostname(), nvidia=inventory.nvidia))
        server, thread = start_server(listen, registry, tls, listen_given=args.listen is not None)
        try:
            live.start()
            _say_where(listen, server.server_address[1], tls is not None, engine.simulated)
            nvidia = engine.inventory().nvidia
            if not nvidia.ok:
                say(f"aiwm: no GPU metrics: {nvidia.status}; serving the host's metrics only")
            wait()
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
    finally:
        live.stop()


def _say_where(listen: ListenAddress, port: int, tls: bool, simulated: bool) -> None:
    label = " SIMULATED GPUs," if simulated else ""
    say(f"aiwm: serving{label} metrics on {listen.url(port, tls)} (Ctrl+C stops)")
    if not listen.is_loopback and not tls:
        say(
            f"aiwm: warning: {listen.host} is reachable from other machines and the metrics are served"
            " without TLS; anyone who can reach the port can read them (--tls-cert, --tls-key, --tls-client-ca)"
        )
