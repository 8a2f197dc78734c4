"""Shared fixtures and paths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zshield_tui.store import Database, Store, parse_database

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "zshield.db") as opened:
        yield opened


@pytest.fixture(scope="session")
def pg_run():
    """This test run's PostgreSQL database (tests/postgres.py)."""
    from tests.postgres import run_database

    yield from run_database()


@pytest.fixture
def pg_database(pg_run) -> Iterator[Database]:
    """An empty PostgreSQL schema of its own for one test."""
    from tests.postgres import fresh_schema

    yield from fresh_schema(pg_run)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path: Path) -> Database:
    """The same test on both databases: an SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return parse_database(tmp_path / "zshield.db")
    return request.getfixturevalue("pg_database")


@pytest.fixture
def any_store(database: Database):
    """An open Store on each database in turn."""
    with Store(database) as opened:
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


def pytest_terminal_summary(terminalreporter) -> None:
    """Says at the end, where it is read, when the PostgreSQL half did not run."""
    from tests.postgres import SERVER

    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "PostgreSQL is not reachable" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"PostgreSQL at {SERVER} is not reachable: {len(skipped)} team-mode tests did not "
            "run (.ci/run requires them: ZSHIELD_REQUIRE_PG=1)", yellow=True)
