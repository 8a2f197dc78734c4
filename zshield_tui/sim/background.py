"""Both simulators served on 127.0.0.1 from threads of this process (`zshield demo`)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .server import create_app


@contextmanager
def serving(kind: str) -> Iterator[str]:
    """Serves a fresh simulator on a free loopback port for the block; yields its URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))   # loopback only: the simulators accept test credentials
    server = uvicorn.Server(uvicorn.Config(create_app(kind), log_level="warning",
                                           timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name=f"sim-{kind}")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the {kind} simulator did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
