"""The reads the automation layer needs: the alerts of a period as the few columns routing
looks at (the what-if replay over 100k+ rows), what already exists for an alert on each
target (tickets, create operations in the outbox, failed auto-creates), so auto-create
never repeats; the candidates of each automatic pass; and the audit rows it writes inside
the caller's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice

from .alerts import iso

RoutingRow = tuple[str, int, str, str, str, str, str]
"""(id, severity rank, category, source, tags JSON, assets JSON, created_at ISO)."""

AUTO_CREATE_FAILED = "auto_create_failed"
"""The audit action of an auto-create whose mapping failed: it blocks a retry."""

AUTO_CREATE_CURSOR = "@auto-create"
"""The `sync_cursor` row that holds the highest alert `seq` the sync pass's auto-create
has looked at. Target names cannot start with `@` (config.TargetConfig.name), so it never
collides with a target's poll watermark."""


def routing_rows(conn: sqlite3.Connection, since: datetime,
                 until: datetime) -> Iterator[RoutingRow]:
    """Alerts created in [since, until), oldest first; uses the created_at index."""
    yield from conn.execute(
        "SELECT id, severity, category, source, tags, assets, created_at FROM alert "
        "WHERE created_at >= ? AND created_at < ? ORDER BY created_at, seq",
        (iso(since), iso(until)))


def children_between(conn: sqlite3.Connection, since: datetime, until: datetime) -> set[str]:
    """Alerts created in [since, until) that have a parent alert."""
    return {r[0] for r in conn.execute(
        "SELECT id FROM alert WHERE created_at >= ? AND created_at < ? AND parent_id IS NOT "
        "NULL", (iso(since), iso(until)))}


def existing_for(conn: sqlite3.Connection, alert_id: str) -> list[tuple[str, str, str, str]]:
    """(target, kind, operation, status) for the alert's tickets (its own or, as a
    recurrence, its group's), its create operations, and its failed auto-creates (kind
    `audit`, status `failed`: an invalid mapping is not tried again on every pass)."""
    tickets = conn.execute("SELECT target FROM ticket WHERE alert_id = ? UNION ALL "
                           # a recurrence shares its group's ticket (store/recurrence.py)
                           "SELECT target FROM recurrence WHERE alert_id = ?",
                           (alert_id, alert_id))
    found = [(target, "ticket", "create", "") for (target,) in tickets]
    ops = conn.execute("SELECT target, operation, status FROM outbox "
                       "WHERE alert_id = ? AND operation = 'create'", (alert_id,))
    found += [(target, "outbox", operation, status) for target, operation, status in ops]
    failed = conn.execute("SELECT DISTINCT new_value FROM audit WHERE alert_id = ? "
                          "AND action = ?", (alert_id, AUTO_CREATE_FAILED))
    found += [(target, "audit", "create", "failed") for (target,) in failed]
    return found


def last_escalations(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(alert id, ticket key) -> when it was last escalated (ISO), from the audit trail;
    this is what keeps escalation to once per window across restarts."""
    rows = conn.execute("SELECT alert_id, new_value, max(at) FROM audit "
                        "WHERE action = 'escalate' GROUP BY alert_id, new_value")
    return {(alert_id, key): at for alert_id, key, at in rows}


def add_audit(conn: sqlite3.Connection, alert_id: str, *, at: datetime, actor: str,
              action: str, new_value: str | None, detail: str | None) -> None:
    """One audit row, inside the caller's transaction (with the op it explains)."""
    conn.execute("INSERT INTO audit (alert_id, at, actor, action, new_value, detail) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (alert_id, iso(at), actor, action, new_value,
                                               detail))


# -- auto-create candidates --------------------------------------------------------------------
def max_seq(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(seq), 0) FROM alert").fetchone()[0]


def auto_create_cursor(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT watermark FROM sync_cursor WHERE target = ?",
                       (AUTO_CREATE_CURSOR,)).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def set_auto_create_cursor(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("INSERT INTO sync_cursor (target, watermark, updated_at) VALUES (?, ?, ?) "
                 "ON CONFLICT (target) DO UPDATE SET watermark = excluded.watermark, "
                 "updated_at = excluded.updated_at",
                 (AUTO_CREATE_CURSOR, str(seq), iso(datetime.now(UTC))))


def alerts_after(conn: sqlite3.Connection, seq: int, min_rank: int, *,
                 limit: int) -> list[tuple[int, str]]:
    """(seq, id) of alerts past `seq` at or above the severity rank, oldest first: a range
    of the primary key, so a million older alerts cost nothing."""
    return conn.execute("SELECT seq, id FROM alert WHERE seq > ? AND severity >= ? "
                        "ORDER BY seq LIMIT ?", (seq, min_rank, limit)).fetchall()


def written_since(conn: sqlite3.Connection, ids: Iterable[str], *, after_seq: int,
                  since: datetime) -> list[str]:
    """Those of `ids` an ingest inserted (seq past `after_seq`) or changed (updated at or
    after `since`); what it found unchanged is left out. Looked up by id, in chunks."""
    out: list[str] = []
    wanted = iter(dict.fromkeys(ids))
    while True:
        chunk = list(islice(wanted, 500))
        if not chunk:
            return out
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(f"SELECT id FROM alert WHERE id IN ({marks}) AND "
                            "(seq > ? OR updated_at >= ?) ORDER BY seq",
                            (*chunk, after_seq, iso(since)))
        out += [r[0] for r in rows]


# -- escalation candidates ---------------------------------------------------------------------
def unacknowledged_tickets(conn: sqlite3.Connection, statuses: Iterable[str]
                           ) -> list[tuple[str, str, str, str, str]]:
    """(alert id, target, key, status, remote created ISO) of the tickets whose remote
    status is one of `statuses` (case-insensitive) and whose creation time is known."""
    wanted = sorted({s.strip().lower() for s in statuses})
    if not wanted:
        return []
    marks = ", ".join("?" for _ in wanted)
    return conn.execute(
        "SELECT alert_id, target, key, status, remote_created_at FROM ticket WHERE "
        f"remote_created_at IS NOT NULL AND lower(status) IN ({marks}) ORDER BY id",
        wanted).fetchall()


def set_op_payload(conn: sqlite3.Connection, op_id: int, payload: str) -> None:
    """Pins what an op decided on its first attempt (JSON), so a rerun repeats it rather
    than deciding again from a remote state the first attempt already changed."""
    conn.execute("UPDATE outbox SET payload = ? WHERE id = ?", (payload, op_id))
