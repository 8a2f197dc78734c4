"""Serving the receive app: the listening socket, TLS, and a graceful stop.

The server is uvicorn, as for the simulators: already in the stack, well kept, with TLS
from a certificate and key file and a shutdown that lets in-flight requests finish.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import uvicorn

# Seconds a SIGTERM waits for in-flight requests (and their commits) before it cancels them.
GRACE_SECONDS = 30
BACKLOG = 2048   # uvicorn's own default


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on host:port (port 0: any free one, see getsockname()); OSError
    when the address is taken or not this machine's. Senders that connect before the
    server runs wait in the backlog rather than being refused."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        # A restart right after a stop must not wait for TIME_WAIT connections to expire.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def tls_problem(cert: Path, key: Path) -> str | None:
    """None when the certificate and key load as a pair, else what is wrong with them."""
    for path in (cert, key):
        if not path.is_file():
            return f"{path}: no such file"
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        # An encrypted key would make OpenSSL prompt on the terminal: refuse it instead.
        context.load_cert_chain(cert, key, password=lambda: b"")
    except ssl.SSLError as exc:   # before OSError, which it subclasses
        return (f"{cert} and {key} do not load as a PEM certificate and its unencrypted "
                f"key ({exc.reason or exc})")
    except OSError as exc:
        return f"{exc.filename or cert}: {exc.strerror or exc}"
    return None


def build_server(app, *, tls: tuple[Path, Path] | None = None,
                 grace: float = GRACE_SECONDS) -> uvicorn.Server:
    """A uvicorn server for `app`; `await server.serve(sockets=[sock])` inside a loop of
    one's own, or `serve()` below."""
    cert, key = tls if tls is not None else (None, None)
    config = uvicorn.Config(
        app, lifespan="off", log_level="warning",
        access_log=False,       # our own line per request says more (who, how many)
        proxy_headers=False,    # the log names the peer, not what a header claims
        server_header=False, timeout_graceful_shutdown=grace, backlog=BACKLOG,
        ssl_certfile=str(cert) if cert else None, ssl_keyfile=str(key) if key else None)
    return _Server(config)


def serve(app, sock: socket.socket, *, tls: tuple[Path, Path] | None = None,
          grace: float = GRACE_SECONDS) -> None:
    """Serves until SIGTERM or Ctrl-C, then lets in-flight requests finish and returns."""
    build_server(app, tls=tls, grace=grace).run(sockets=[sock])


class _Server(uvicorn.Server):
    """uvicorn re-raises the signal that stopped it once it has shut down, which kills
    the process with that signal; a clean stop here is an ordinary return (exit 0)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit)
                    for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
