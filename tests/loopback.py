"""The simulators served over real HTTP on 127.0.0.1 (uvicorn in a thread)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn


@contextmanager
def served(app, port: int = 0, tls: tuple[str, str] | None = None) -> Iterator[str]:
    """Serves `app` on loopback until the block ends; yields its URL. `port` 0 takes a free
    one; a fixed port (for a snapshot that shows the URL) is waited for while another run
    of the same test holds it. `tls` (certificate, key) serves https, for clients that
    refuse http."""
    sock = _bound(port)
    cert, key = tls or (None, None)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ssl_certfile=cert,
                                           ssl_keyfile=key, timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "simulator did not start"
        time.sleep(0.02)
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        server.force_exit = True
        thread.join(timeout=5)
        sock.close()  # so the next test can take a fixed port at once


def _bound(port: int) -> socket.socket:
    deadline = time.monotonic() + 60
    while True:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT
        try:
            sock.bind(("127.0.0.1", port))
            return sock
        except OSError:
            sock.close()
            if not port or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def certificate(folder) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 in `folder`: (certificate, key) paths."""
    import subprocess

    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key
