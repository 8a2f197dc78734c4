"""`zshield receive [--listen HOST:PORT]`: the HTTP intake for pushed alerts (DESIGN §2)."""

from __future__ import annotations

import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from zshield_tui.domain.terminal import printable

from .context import EXIT_FAILED, EXIT_OK, Context, UsageError

if TYPE_CHECKING:
    from zshield_tui.config import ReceiveConfig
    from zshield_tui.intake.receive import Received


def run(ctx: Context, listen: str | None = None) -> int:
    """Serves `POST /alerts` until SIGTERM or Ctrl-C, then finishes the requests in
    flight and exits 0. Exit 2 for a config it cannot serve (no token, a non-loopback
    address without TLS, a bad certificate), 1 when the address cannot be bound."""
    from zshield_tui.config import listen_address
    from zshield_tui.intake.receive import create_app
    from zshield_tui.intake.receive_server import bind, serve
    from zshield_tui.intake.receive_writer import AlertWriter

    settings = _settings(ctx, listen)
    token = receive_token(settings)
    tls = tls_files(ctx, settings)
    host, port = listen_address(settings.listen)
    writer = AlertWriter(ctx.database)
    try:
        try:
            sock = bind(host, port)
        except OSError as exc:
            print(printable(f"zshield: cannot listen on {settings.listen}: "
                            f"{exc.strerror or exc}"), file=ctx.err)
            return EXIT_FAILED
        app = create_app(writer, token, max_body_bytes=settings.max_body_bytes,
                         log=lambda event: _log(ctx.err, event))
        where = f"{'https' if tls else 'http'}://{_address(sock)}"
        print(printable(f"zshield receive: listening on {where} (POST /alerts, GET /healthz),"
                        f" storing into {ctx.database}"), file=ctx.err, flush=True)
        serve(app, sock, tls=tls)
    finally:
        writer.close()
    print(f"zshield receive: stopped; {writer.accepted:,} alerts stored", file=ctx.err)
    return EXIT_OK


def _settings(ctx: Context, listen: str | None) -> ReceiveConfig:
    """The [receive] section (its defaults when absent), with --listen over `listen`."""
    from zshield_tui.config import ReceiveConfig, is_loopback, listen_address

    settings = ctx.config.receive or ReceiveConfig()
    if listen is None:
        return settings
    try:
        host, _ = listen_address(listen)
    except ValueError as exc:
        raise UsageError(f"--listen {exc}") from None
    if settings.tls is None and not is_loopback(host):
        raise UsageError(f"--listen {listen!r} is not a loopback address: serve it with "
                         '[receive] tls = { cert = "...", key = "..." }, or listen on '
                         "127.0.0.1")
    return settings.model_copy(update={"listen": listen})


def receive_token(settings: ReceiveConfig) -> str:
    """The bearer token senders must present; UsageError when its variable is empty."""
    token = os.environ.get(settings.token_env, "").strip()
    if not token:
        raise UsageError(f"[receive] token_env names {settings.token_env}, which is unset or "
                         "empty: set it to the bearer token senders must present")
    return token


def tls_files(ctx: Context, settings: ReceiveConfig) -> tuple[Path, Path] | None:
    """The certificate and key (relative to the config file), checked; None: plain."""
    from zshield_tui.intake.receive_server import tls_problem

    if settings.tls is None:
        return None
    folder = ctx.config_file.parent
    cert, key = folder / settings.tls.cert, folder / settings.tls.key
    if problem := tls_problem(cert, key):
        raise UsageError(f"[receive] tls: {problem}")
    return cert, key


def _address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _log(err: TextIO | None, event: Received) -> None:
    """One line per request: when, who, what became of it."""
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    agent = f' "{event.agent}"' if event.agent else ""
    if event.status == 202:
        what = f"accepted {event.accepted}, skipped {event.skipped}, errors {event.errors}"
        if event.reason:
            what += f" (first: {_short(event.reason)})"
    else:
        what = f"refused: {_short(event.reason)}"
    line = (f"{at} receive {event.client}{agent}: {event.status} {what} "
            f"[{event.seconds * 1000:.0f} ms]")
    print(printable(line), file=err or sys.stderr, flush=True)


def _short(text: str, limit: int = 200) -> str:
    # A record error may quote a long hostile value; the log line stays one short line.
    return text if len(text) <= limit else text[:limit - 1] + "…"
