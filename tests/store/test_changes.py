"""What keeps every open TUI live: the change watch moves when another connection commits
what the list shows, on both databases; PostgreSQL's triggers notify once per statement
and transaction, not once per row (store/changes.py, schema v11)."""

from __future__ import annotations

import time

import psycopg

from tests.factories import make_alert
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.changes import CHANNEL, watch
from zshield_tui.store.syncrepo import transaction


def _moves(look, before: int, timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if look() != before:
            return True
        time.sleep(0.02)
    return False


def test_every_kind_of_change_moves_the_watch(database):
    with Store(database) as mine, Store(database) as theirs:
        upsert_alerts(theirs.conn, [make_alert(1)], fmt="zshield")
        seen = watch(database, mine.conn)
        try:
            changes = [
                lambda c: upsert_alerts(c, [make_alert(2)], fmt="zshield"),
                lambda c: repo.write_state(c, "ZS-000001", "resolved", "bo"),
                lambda c: repo.write_assignee(c, "ZS-000001", "carol", "bo"),
                lambda c: repo.add_note(c, "ZS-000001", "seen", author="bo", origin="local",
                                        sync_state="local"),
                lambda c: repo.audit(c, "ZS-000001", "jira-sec", "ticket", None, "SEC-1"),
            ]
            for change in changes:
                before = seen.version()
                assert seen.version() == before   # nothing committed: nothing moves
                with transaction(theirs.conn) as conn:
                    change(conn)
                assert _moves(seen.version, before)
        finally:
            seen.close()


def test_a_big_insert_is_one_notification_not_one_per_row(pg_database):
    with Store(pg_database) as store:
        listener = psycopg.connect(pg_database.conninfo, autocommit=True)
        try:
            listener.execute(f"LISTEN {CHANNEL}")
            upsert_alerts(store.conn, [make_alert(n) for n in range(1, 501)], fmt="zshield")
            time.sleep(0.2)
            got = [n.payload for n in listener.notifies(timeout=0.5)]
        finally:
            listener.close()
    # 500 rows in one transaction (one statement per row through executemany): PostgreSQL
    # delivers identical notifications of a transaction once.
    assert got == ["alert"]


def test_a_lost_listener_counts_as_a_change_and_listens_again(pg_database):
    with Store(pg_database) as mine, Store(pg_database) as theirs:
        seen = watch(pg_database, mine.conn)
        try:
            before = seen.version()
            seen._raw.close()   # the server went away under it
            assert seen.version() != before
            deadline = time.monotonic() + 5
            while seen._raw is None and time.monotonic() < deadline:
                time.sleep(0.02)
            settled = seen.version()
            upsert_alerts(theirs.conn, [make_alert(1)], fmt="zshield")
            assert _moves(seen.version, settled)
        finally:
            seen.close()
