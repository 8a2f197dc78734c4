"""The list's data source on both databases: snapshot, pages, growth, counts, interrupts."""

from __future__ import annotations

import threading
import time

import pytest

from tests.factories import make_alert
from zshield_tui.store import Store, parse_filter, upsert_alerts
from zshield_tui.store.query import INTERRUPTED, Sort
from zshield_tui.tui.source import AlertSource


@pytest.fixture
def source(database):
    with Store(database) as store:
        upsert_alerts(store.conn, [make_alert(n) for n in range(30)], fmt="zshield")
    opened = AlertSource(database)
    yield opened
    opened.close()


def test_a_snapshot_pages_and_counts_a_filter(source):
    snap = source.open(parse_filter("src:wazuh"), Sort.TIME, page_size=10)
    assert (snap.estimate, snap.exact) == (15, True)
    assert [r.id for r in snap.first_page][:2] == ["ZS-000028", "ZS-000026"]
    assert [r.id for r in source.page(snap.query, 10, 10)] == ["ZS-000008", "ZS-000006",
                                                                "ZS-000004", "ZS-000002",
                                                                "ZS-000000"]
    assert source.exact_count(snap.query, snap.generation) == 15
    assert source.detail("ZS-000028").alert.source == "Wazuh"


def test_alerts_stored_later_grow_an_open_list(source, database):
    snap = source.open(parse_filter("web-0"), Sort.TIME, page_size=5)
    assert source.grow(snap.query, snap.first_page[0], snap.first_page[2]) is None
    with Store(database) as store:
        upsert_alerts(store.conn, [make_alert(n) for n in range(30, 34)], fmt="zshield")
    growth = source.grow(snap.query, snap.first_page[0], snap.first_page[2])
    assert (growth.added, growth.ahead_of_top, growth.ahead_of_cursor) == (4, 4, 4)
    assert growth.query.page(0, 1)[0].id == "ZS-000033"


def test_data_version_moves_when_another_connection_commits(source, database):
    """SQLite's counter, PostgreSQL's notifications (store/changes.py): either way a commit
    by another connection is seen. PostgreSQL delivers its notice asynchronously: looked
    for a few times, as the TUI's watch does twice a second."""
    version = source.data_version()
    with Store(database) as store:
        upsert_alerts(store.conn, [make_alert(99)], fmt="zshield")
    for _ in range(50):
        if source.data_version() not in (None, version):
            break
        time.sleep(0.05)
    assert source.data_version() not in (None, version)


def test_an_interrupted_count_raises_what_the_source_catches(database):
    with Store(database) as store:
        conn = store.conn
        slow = ("SELECT pg_sleep(5)" if database.shared else
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                "WHERE i < 100000000) SELECT count(*) FROM n")
        caught: list[BaseException] = []

        def run() -> None:
            try:
                conn.execute(slow).fetchone()
            except BaseException as exc:  # noqa: BLE001 - checked below
                caught.append(exc)

        worker = threading.Thread(target=run)
        started = time.monotonic()
        worker.start()
        time.sleep(0.3)
        conn.interrupt()
        worker.join(5)
        assert time.monotonic() - started < 4
        assert len(caught) == 1 and isinstance(caught[0], INTERRUPTED)
        assert conn.execute("SELECT 1").fetchone()[0] == 1   # still usable
