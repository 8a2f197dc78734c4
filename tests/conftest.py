"""Shared fixtures and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from zshield_tui.store import Store

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "zshield.db") as opened:
        yield opened


_LOOPBACK = {"127.0.0.1", "localhost", "::1", None, ""}


@pytest.fixture(autouse=True)
def _only_loopback(monkeypatch):
    """The tests never reach beyond 127.0.0.1: any other name lookup fails the test."""
    import socket

    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in _LOOPBACK and not str(name).startswith("127."):
            raise AssertionError(f"a test tried to reach {name!r}; only 127.0.0.1 is allowed")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
