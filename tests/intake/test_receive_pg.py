"""`zshield receive` on PostgreSQL: a 202 once committed there, re-sends change nothing,
and a database fault is a 503 to retry (not a 500), as on SQLite."""

from __future__ import annotations

import json

import httpx
import pytest

from zshield_tui.store import Store

from .receive_support import native, receiving


@pytest.fixture
def intake(pg_database):
    with receiving(pg_database) as running:
        yield running


def _stored(database) -> list[tuple[str, str]]:
    with Store(database) as store:
        return store.conn.execute("SELECT id, format FROM alert ORDER BY id").fetchall()


def test_alerts_posted_are_committed_in_postgresql_before_the_202(intake):
    assert httpx.get(f"{intake.url}/healthz").json() == {"status": "ok", "database": "ok"}
    response = intake.post(json.dumps([native(1), native(2)]))
    assert response.status_code == 202 and response.json()["accepted"] == 2
    assert _stored(intake.db) == [("ZS-000001", "zshield"), ("ZS-000002", "zshield")]
    assert intake.post(json.dumps([native(2), native(3)])).status_code == 202
    assert len(_stored(intake.db)) == 3


def test_a_database_fault_is_a_503_to_retry_in_one_log_line(intake):
    with Store(intake.db) as store:
        store.conn.execute("ALTER TABLE alert ADD CONSTRAINT no_more CHECK (severity < 0) "
                           "NOT VALID")
    response = intake.post(json.dumps([native(1)]))
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert "no_more" in intake.log[-1].reason and "\n" not in intake.log[-1].reason
    assert _stored(intake.db) == []
