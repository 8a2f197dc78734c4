"""Recurrence groups on both databases: each alert counted once, a split that moves only
the unreported recurrences, and the alert list showing the group's ticket."""

from __future__ import annotations

from zshield_tui.store import AlertQuery, parse_filter
from zshield_tui.store import recurrence as rec
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.records import linked_tickets
from zshield_tui.store.syncrepo import transaction

T = "jira-sec"


def seeded(store, count: int = 5) -> list[str]:
    """Bare alert rows, written in SQL both databases take (the groups need only ids)."""
    ids = [f"ZS-{n:06d}" for n in range(1, count + 1)]
    with transaction(store.conn) as conn:
        for n, alert_id in enumerate(ids):
            at = f"2026-12-01T10:0{n}:00.000000Z"
            conn.execute("INSERT INTO alert (id, title, severity, created_at, ingested_at, "
                         "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                         (alert_id, f"Alert {n}", 3, at, at, at))
    return ids


def test_an_alert_is_counted_once_however_often_it_is_attached(any_store):
    ids = seeded(any_store)
    with transaction(any_store.conn) as conn:
        group = rec.start_group(conn, T, "k", ids[0], "2026-12-01T10:00:00.000000Z")
        assert rec.start_group(conn, T, "k", ids[0], "2026-12-01T10:00:00.000000Z") == group
        assert rec.add_recurrence(conn, group, T, ids[1], "2026-12-01T10:05:00.000000Z", {})
        assert not rec.add_recurrence(conn, group, T, ids[1], "2026-12-01T10:05:00.000000Z", {})
        assert rec.add_recurrence(conn, group, T, ids[2], "2026-12-01T10:03:00.000000Z", {})
    found = rec.latest_group(any_store.conn, T, "k")
    assert (found.recurrences, found.reported, found.last_at) == \
        (2, 0, "2026-12-01T10:05:00.000000Z")
    assert rec.is_recurrence(any_store.conn, ids[2], T)
    assert not rec.is_recurrence(any_store.conn, ids[0], T)
    assert rec.group_of(any_store.conn, ids[0], T).id == rec.group_of(
        any_store.conn, ids[2], T).id == group


def test_a_split_moves_only_what_no_comment_counted(any_store):
    ids = seeded(any_store)
    with transaction(any_store.conn) as conn:
        group = rec.start_group(conn, T, "k", ids[0], "2026-12-01T10:00:00.000000Z")
        for n, alert_id in enumerate(ids[1:], 1):
            rec.add_recurrence(conn, group, T, alert_id, f"2026-12-01T10:0{n}:00.000000Z",
                               {"n": n})
        rec.mark_reported(conn, group, 2)
        old = rec.lock_group(conn, group)
        moved = rec.unreported(conn, old)
        assert [(m.alert_id, m.draft) for m in moved] == [(ids[3], {"n": 3}), (ids[4], {"n": 4})]
        new = rec.split_group(conn, old, moved, "2026-12-01T11:00:00.000000Z")
    ended = rec.group_by_id(any_store.conn, group)
    assert (ended.recurrences, ended.ended_at) == (2, "2026-12-01T11:00:00.000000Z")
    started = rec.latest_group(any_store.conn, T, "k")
    assert (started.id, started.alert_id, started.recurrences) == (new, ids[3], 1)
    assert not rec.is_recurrence(any_store.conn, ids[3], T)
    assert rec.group_of(any_store.conn, ids[4], T).id == new


def test_the_list_shows_the_ticket_of_the_group_on_a_recurring_alert(store):
    # SQLite only for now: AlertQuery's estimate is not PostgreSQL SQL yet (team mode work).
    ids = seeded(store, 3)
    with transaction(store.conn) as conn:
        repo.save_ticket(conn, ids[0], T, key="SEC-1", remote_id="1", url="u", status="To Do",
                         synced_state="new")
        group = rec.start_group(conn, T, "k", ids[0], "2026-12-01T10:00:00.000000Z")
        rec.add_recurrence(conn, group, T, ids[1], "2026-12-01T10:01:00.000000Z", None)
    rows = {r.id: r.ticket for r in AlertQuery(store.conn, parse_filter("")).page(0, 10)}
    assert rows == {ids[0]: "SEC-1 To Do", ids[1]: "SEC-1 To Do", ids[2]: None}
    # `zshield show` and the detail pane: the shared ticket, owned by the first alert.
    assert [(t.key, t.alert_id) for t in linked_tickets(store, ids[1])] == [("SEC-1", ids[0])]
    assert linked_tickets(store, ids[2]) == []
