"""PostgreSQL for the tests: the server at 127.0.0.1:5432 (trust auth), one database per
test run, and a fresh schema per test so that each starts empty.

Without a server the PostgreSQL half of the suite is skipped with the reason said once;
`.ci/run` sets ZSHIELD_REQUIRE_PG=1, and then a missing server fails the run instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from zshield_tui.store import Database, parse_database

SERVER = os.environ.get("ZSHIELD_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
REQUIRED = os.environ.get("ZSHIELD_REQUIRE_PG") == "1"


def _admin(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=3)


def run_database() -> Iterator[str]:
    """Creates this run's database and yields its URL; drops it afterwards."""
    import psycopg

    name = f"zshield_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = _admin(f"{SERVER}/postgres")
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL is not reachable at {SERVER}: {str(exc).strip().splitlines()[0]}"
        if REQUIRED:
            pytest.fail(reason + " (ZSHIELD_REQUIRE_PG=1)")
        pytest.skip(reason)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        with _admin(f"{SERVER}/postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_schema(run_url: str) -> Iterator[Database]:
    """A new empty schema in this run's database, as the only one on the search path."""
    schema = f"t_{uuid.uuid4().hex[:10]}"
    with _admin(run_url) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield parse_database(f"{run_url}?options={quote(f'-csearch_path={schema}')}")
    finally:
        with _admin(run_url) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
