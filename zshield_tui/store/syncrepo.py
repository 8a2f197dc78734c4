"""The SQL behind sync: outbox rows, linked tickets, note links, watermarks, conflicts.

Plain DB-API on the Store's connection (sqlite3, or PgConnection in team mode), because
the outbox must change in the same transaction as the local change it carries
(`transaction()`), and because a bulk push writes thousands of rows. Callers outside a
transaction get one per statement. The SQL is the subset both databases share; the claim
and the JSON lookup differ and say why.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .pg import POSTGRESQL, dialect
from .tickets import (
    TICKET_COLUMNS,
    LinkedTicket,
    alert_of_ticket,
    all_tickets,
    ticket_for,
    tickets_by_key,
    tickets_of,
)

# The sync layer reads tickets through this module, as it writes them.
__all__ = ["LinkedTicket", "alert_of_ticket", "all_tickets", "ticket_for", "tickets_by_key",
           "tickets_of"]

OPEN = ("pending", "running", "failed")


def now_iso(delta: float = 0.0) -> str:
    """The current UTC time (plus `delta` seconds) as sortable ISO text."""
    return (datetime.now(UTC) + timedelta(seconds=delta)).isoformat(timespec="milliseconds")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT: takes the write lock first, so two processes never
    interleave half a change."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# Any fixed numbers: the keys of the advisory locks taken below (PostgreSQL only).
_DECIDE_LOCK = 0x7A5368_0B0C
_NOTE_LINK_LOCK = 0x7A53_0B0D   # two-key form: (this, hash of the target); int4


def exclusive(conn: Any) -> None:
    """Makes the rest of the caller's transaction run alone among the transactions that
    call this too, as SQLite's BEGIN IMMEDIATE makes every transaction run alone. For the
    passes that decide what to queue from what is queued (auto-create, escalations): two
    daemons on one PostgreSQL database would otherwise both find nothing queued and both
    queue the same escalation. Sending and recording answers never take it."""
    if dialect(conn) == POSTGRESQL:
        conn.execute("SELECT pg_advisory_xact_lock(?)", (_DECIDE_LOCK,))


@dataclass(frozen=True)
class OutboxOp:
    """One queued change for one target."""

    id: int
    target: str
    alert_id: str
    operation: str          # create | comment | transition
    payload: dict[str, Any]
    status: str             # pending | running | failed | done | cancelled
    attempts: int
    last_error: str | None
    next_attempt_at: str | None
    created_at: str


_OP_COLUMNS = ("id, target, alert_id, operation, payload, status, attempts, last_error, "
               "next_attempt_at, created_at")


def _op(row: tuple) -> OutboxOp:
    return OutboxOp(row[0], row[1], row[2], row[3], json.loads(row[4]), *row[5:])


def enqueue(conn: sqlite3.Connection, target: str, alert_id: str, operation: str,
            payload: dict[str, Any]) -> int:
    """Adds an op; call inside the transaction that makes the local change. Returns its
    id; 0 for a create when another process queued the alert's create on that target
    first (PostgreSQL: the one-open-create index; on SQLite the write lock orders the
    callers' own checks)."""
    once = ""
    if operation == "create" and dialect(conn) == POSTGRESQL:
        once = (" ON CONFLICT (target, alert_id) WHERE operation = 'create' AND status IN "
                "('pending', 'running', 'failed') DO NOTHING")
    row = conn.execute(
        "INSERT INTO outbox (target, alert_id, operation, payload, status, created_at) "
        f"VALUES (?, ?, ?, ?, 'pending', ?){once} RETURNING id",
        (target, alert_id, operation, json.dumps(payload, ensure_ascii=False), now_iso())
    ).fetchone()
    return int(row[0]) if row else 0


def open_op(conn: sqlite3.Connection, target: str, alert_id: str, operation: str
            ) -> OutboxOp | None:
    """The unfinished op of this kind for the alert and target, if any."""
    row = conn.execute(
        f"SELECT {_OP_COLUMNS} FROM outbox WHERE target = ? AND alert_id = ? AND operation = ? "
        "AND status IN ('pending', 'running', 'failed') ORDER BY id LIMIT 1",
        (target, alert_id, operation)).fetchone()
    return _op(row) if row else None


def claim(conn: Any, target: str, owner: str, *, limit: int, lease: float,
          dead_owners: frozenset[str] = frozenset()) -> list[OutboxOp]:
    """Takes up to `limit` ready ops of a target: pending and due, or running under an
    expired lease or a dead owner's. Oldest first, so an alert's ops keep their order.

    Any number of workers, in any processes on any machines, may claim at once: each op
    goes to one of them (SQLite: the write lock; PostgreSQL: row locks, see _claim_pg)."""
    now = now_iso()
    dead = sorted(dead_owners)
    marks = ", ".join("?" for _ in dead)
    o_dead, e_dead = (f"o.claimed_by IN ({marks})", f"e.claimed_by IN ({marks})") if dead \
        else ("1 = 0", "1 = 0")
    ready = (
        "o.target = ? AND ("
        "(o.status = 'pending' AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)) OR "
        f"(o.status = 'running' AND (o.claimed_until <= ? OR {o_dead})))")
    args: tuple = (target, now, now, *dead)
    if dialect(conn) == POSTGRESQL:
        # Many workers share a PostgreSQL outbox, so an op whose alert has an earlier op
        # held by another live worker is left to that worker's turn (its ticket may not
        # exist yet). An index probe there (ix_outbox_alert); on SQLite, without that
        # index, the same check costs a scan of the running ops per candidate, and a
        # second drainer there is rare: a handler that finds no ticket yet waits (Retry).
        ready += (" AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.target = o.target "
                  "AND e.alert_id = o.alert_id AND e.id < o.id AND e.status = 'running' "
                  f"AND e.claimed_by <> ? AND e.claimed_until > ? AND NOT ({e_dead}))")
        return _claim_pg(conn, ready, (*args, owner, now, *dead), owner, limit,
                         now_iso(lease))
    with transaction(conn):
        rows = conn.execute(f"SELECT {_OP_COLUMNS} FROM outbox o WHERE {ready} "
                            "ORDER BY o.id LIMIT ?", (*args, limit)).fetchall()
        conn.executemany(
            "UPDATE outbox SET status = 'running', claimed_by = ?, claimed_until = ? "
            "WHERE id = ?", [(owner, now_iso(lease), r[0]) for r in rows])
    return [_op(r) for r in rows]


def _claim_pg(conn: Any, ready: str, args: tuple, owner: str, limit: int,
              until: str) -> list[OutboxOp]:
    """PostgreSQL has no database-wide write lock, and workers must not queue behind each
    other: each locks the ready rows it picks and skips those another claim holds (SKIP
    LOCKED), in one statement. A row another worker claimed in the meantime is checked
    again under its lock against `ready` (READ COMMITTED re-reads it), so it is skipped
    too: no op is ever handed to two live workers."""
    # `picked` returns each row as read before the claim, as the SQLite path does.
    picked = ", ".join(f"picked.{c.strip()}" for c in _OP_COLUMNS.split(","))
    rows = conn.execute(
        f"WITH picked AS (SELECT {_OP_COLUMNS} FROM outbox o WHERE {ready} ORDER BY o.id "
        "LIMIT ? FOR UPDATE SKIP LOCKED) "
        "UPDATE outbox SET status = 'running', claimed_by = ?, claimed_until = ? "
        f"FROM picked WHERE outbox.id = picked.id RETURNING {picked}",
        (*args, limit, owner, until)).fetchall()
    # RETURNING follows no order; the worker runs each alert's ops in queue order.
    return sorted((_op(r) for r in rows), key=lambda op: op.id)


def running_owners(conn: sqlite3.Connection) -> set[str]:
    """Who holds running ops now (to find the dead among them)."""
    rows = conn.execute("SELECT DISTINCT claimed_by FROM outbox WHERE status = 'running'")
    return {r[0] for r in rows if r[0]}


def complete(conn: sqlite3.Connection, op_id: int) -> None:
    """Marks an op done; call in the transaction that records the remote's answer."""
    conn.execute("UPDATE outbox SET status = 'done', done_at = ?, last_error = NULL, "
                 "claimed_by = NULL WHERE id = ?", (now_iso(), op_id))


def defer(conn: sqlite3.Connection, op_id: int, error: str, delay: float) -> None:
    """Back to pending after a failure worth retrying, not before `delay` seconds."""
    conn.execute("UPDATE outbox SET status = 'pending', attempts = attempts + 1, "
                 "last_error = ?, next_attempt_at = ?, claimed_by = NULL WHERE id = ?",
                 (error, now_iso(delay), op_id))


def release(conn: sqlite3.Connection, op_ids: list[int], delay: float = 0.0) -> None:
    """Hands claimed ops back untried (an earlier op of their alert has to go first)."""
    conn.executemany("UPDATE outbox SET status = 'pending', claimed_by = NULL, "
                     "next_attempt_at = ? WHERE id = ? AND status = 'running'",
                     [(now_iso(delay), i) for i in op_ids])


def give_up(conn: sqlite3.Connection, op_id: int, error: str) -> None:
    """Failed for good until someone retries it: the error stays visible."""
    conn.execute("UPDATE outbox SET status = 'failed', attempts = attempts + 1, "
                 "last_error = ?, claimed_by = NULL WHERE id = ?", (error, op_id))


def retry(conn: sqlite3.Connection, op_id: int) -> bool:
    """A failed (or waiting) op is due again now."""
    cur = conn.execute("UPDATE outbox SET status = 'pending', next_attempt_at = NULL "
                       "WHERE id = ? AND status IN ('failed', 'pending')", (op_id,))
    return cur.rowcount > 0


def cancel(conn: sqlite3.Connection, op_id: int) -> bool:
    """Drops an unsent op; a local note it carried is marked failed."""
    with transaction(conn):
        row = conn.execute("SELECT operation, payload FROM outbox WHERE id = ? AND status IN "
                           "('pending', 'failed')", (op_id,)).fetchone()
        if row is None:
            return False
        conn.execute("UPDATE outbox SET status = 'cancelled' WHERE id = ?", (op_id,))
        if row[0] == "comment":
            set_note_state(conn, json.loads(row[1]).get("note_id", 0), "failed")
    return True


def list_ops(conn: sqlite3.Connection, statuses: tuple[str, ...] = OPEN,
             target: str | None = None, limit: int = 1000) -> list[OutboxOp]:
    """Unfinished ops (by default), oldest first."""
    marks = ", ".join("?" for _ in statuses)
    sql = f"SELECT {_OP_COLUMNS} FROM outbox WHERE status IN ({marks})"
    args: list[Any] = list(statuses)
    if target is not None:
        sql += " AND target = ?"
        args.append(target)
    rows = conn.execute(sql + " ORDER BY id LIMIT ?", (*args, limit)).fetchall()
    return [_op(r) for r in rows]


def next_due(conn: sqlite3.Connection, target: str) -> str | None:
    """When the next waiting op of a target becomes due."""
    row = conn.execute("SELECT min(coalesce(next_attempt_at, '')) FROM outbox "
                       "WHERE target = ? AND status = 'pending'", (target,)).fetchone()
    return row[0] if row and row[0] is not None else None


def next_attempt_of(conn: sqlite3.Connection, op_id: int) -> str | None:
    row = conn.execute("SELECT next_attempt_at FROM outbox WHERE id = ?", (op_id,)).fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class TargetCounts:
    pending: int
    failed: int
    last_error: str | None


def target_counts(conn: sqlite3.Connection) -> dict[str, TargetCounts]:
    """Per target: ops waiting, ops failed, and the newest error."""
    out: dict[str, TargetCounts] = {}
    rows = conn.execute(
        "SELECT target, sum(CASE WHEN status IN ('pending', 'running') THEN 1 ELSE 0 END), "
        "sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), "
        "(SELECT last_error FROM outbox o2 WHERE o2.target = o.target AND last_error IS NOT "
        "NULL AND status IN ('pending', 'failed') ORDER BY id DESC LIMIT 1) "
        "FROM outbox o WHERE status IN ('pending', 'running', 'failed') GROUP BY target")
    for target, pending, failed, error in rows:
        out[target] = TargetCounts(int(pending or 0), int(failed or 0), error)
    return out


# -- tickets ---------------------------------------------------------------------------------
def save_ticket(conn: sqlite3.Connection, alert_id: str, target: str, *, key: str,
                remote_id: str, url: str, status: str, synced_state: str | None,
                remote_created_at: str | None = None, error: str | None = None) -> None:
    """Links a ticket to the alert (or refreshes the link) as the remote just answered,
    with the problem to show on it if any; a refresh that does not know when the remote
    made the ticket keeps what was known."""
    conn.execute(
        "INSERT INTO ticket (alert_id, target, key, remote_id, url, status, last_synced_at, "
        "synced_state, remote_created_at, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (alert_id, target) DO "
        "UPDATE SET key = excluded.key, remote_id = excluded.remote_id, url = excluded.url, "
        "status = excluded.status, last_synced_at = excluded.last_synced_at, "
        "synced_state = excluded.synced_state, error = excluded.error, remote_created_at = "
        "coalesce(excluded.remote_created_at, ticket.remote_created_at)",
        (alert_id, target, key, remote_id, url, status, now_iso(), synced_state,
         remote_created_at, error))


def update_ticket(conn: sqlite3.Connection, ticket_id: int, **columns: Any) -> None:
    """Sets some of a ticket's columns (names from TICKET_COLUMNS only)."""
    names = [c for c in columns if c in TICKET_COLUMNS and c != "id"]
    if not names:
        return
    conn.execute(f"UPDATE ticket SET {', '.join(f'{c} = ?' for c in names)} WHERE id = ?",
                 (*(columns[c] for c in names), ticket_id))


# -- alerts, notes, audit ------------------------------------------------------------------------
def write_assignee(conn: sqlite3.Connection, alert_id: str, who: str, actor: str) -> bool:
    """Assigns the alert with an audit row; False when it already had that analyst."""
    row = conn.execute("SELECT assigned_analyst FROM alert WHERE id = ?",
                       (alert_id,)).fetchone()
    if row is None:
        raise KeyError(alert_id)
    if row[0] == who:
        return False
    conn.execute("UPDATE alert SET assigned_analyst = ?, updated_at = ?, "
                 "version = version + 1 WHERE id = ?", (who, now_iso(), alert_id))
    audit(conn, alert_id, actor, "assign", row[0], who)
    return True


def alert_state(conn: sqlite3.Connection, alert_id: str) -> str | None:
    row = conn.execute("SELECT state FROM alert WHERE id = ?", (alert_id,)).fetchone()
    return row[0] if row else None


def write_state(conn: sqlite3.Connection, alert_id: str, state: str, actor: str) -> bool:
    """Changes the alert's state with an audit row; False when it already had it."""
    old = alert_state(conn, alert_id)
    if old is None:
        raise KeyError(alert_id)
    if old == state:
        return False
    now = now_iso()
    conn.execute("UPDATE alert SET state = ?, updated_at = ?, version = version + 1 "
                 "WHERE id = ?", (state, now, alert_id))
    audit(conn, alert_id, actor, "state", old, state)
    return True


def audit(conn: sqlite3.Connection, alert_id: str, actor: str, action: str,
          old: str | None = None, new: str | None = None, detail: str | None = None) -> None:
    conn.execute("INSERT INTO audit (alert_id, at, actor, action, old_value, new_value, "
                 "detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (alert_id, now_iso(), actor, action, old, new, detail))


def add_note(conn: sqlite3.Connection, alert_id: str, body: str, *, author: str,
             origin: str, sync_state: str | None, created_at: str | None = None,
             remote_id: str | None = None) -> int:
    row = conn.execute(
        "INSERT INTO note (alert_id, body, author, origin, remote_id, created_at, sync_state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (alert_id, body, author, origin, remote_id, created_at or now_iso(), sync_state)
    ).fetchone()
    # A note is news to whoever looks at the alert: views made before it are stale.
    conn.execute("UPDATE alert SET version = version + 1 WHERE id = ?", (alert_id,))
    return int(row[0])


def note_still_sending(conn: sqlite3.Connection, note_id: int) -> bool:
    """Whether a comment op for the note is unfinished on some target (asked in SQL: a bulk
    note completes one op per ticket, and reading every open op each time was quadratic)."""
    # The payload is JSON text on both databases; each reads a key of it in its own words.
    note_of = ("(payload::jsonb ->> 'note_id')::bigint" if dialect(conn) == POSTGRESQL
               else "json_extract(payload, '$.note_id')")
    return conn.execute(
        "SELECT 1 FROM outbox WHERE operation = 'comment' AND status IN ('pending', 'running', "
        f"'failed') AND {note_of} = ? LIMIT 1", (note_id,)
    ).fetchone() is not None


def set_note_state(conn: sqlite3.Connection, note_id: int, state: str) -> None:
    conn.execute("UPDATE note SET sync_state = ? WHERE id = ?", (state, note_id))


def link_note(conn: sqlite3.Connection, note_id: int, target: str, remote_id: str) -> None:
    """Remembers the remote comment id a note is known by on a target."""
    conn.execute("INSERT INTO note_link (note_id, target, remote_id) VALUES (?, ?, ?) "
                 "ON CONFLICT (target, remote_id) DO NOTHING", (note_id, target, remote_id))


def known_remote_ids(conn: sqlite3.Connection, target: str) -> set[str]:
    """The remote comment ids already taken in on a target. Inside a transaction on
    PostgreSQL this also takes the target's lock until it ends (SQLite's write lock does
    the same for every transaction): two daemons polling one ticket would otherwise both
    take a new remote comment for theirs to add."""
    if dialect(conn) == POSTGRESQL:
        conn.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", (_NOTE_LINK_LOCK, target))
    return {r[0] for r in conn.execute("SELECT remote_id FROM note_link WHERE target = ?",
                                       (target,))}


def unlinked_local_note(conn: sqlite3.Connection, alert_id: str, target: str, body: str
                        ) -> int | None:
    """A local note with this exact text not yet linked on the target: a comment we sent
    whose answer was lost comes back as this, not as a new note."""
    row = conn.execute(
        "SELECT n.id FROM note n WHERE n.alert_id = ? AND n.origin = 'local' AND n.body = ? "
        "AND NOT EXISTS (SELECT 1 FROM note_link l WHERE l.note_id = n.id AND l.target = ?) "
        "ORDER BY n.id LIMIT 1", (alert_id, body, target)).fetchone()
    return row[0] if row else None


def note_rows(conn: sqlite3.Connection, alert_id: str) -> list[dict[str, Any]]:
    """Notes with origin and sync state, oldest first."""
    rows = conn.execute("SELECT id, body, author, origin, created_at, sync_state FROM note "
                        "WHERE alert_id = ? ORDER BY created_at, id", (alert_id,)).fetchall()
    return [dict(zip(("id", "body", "author", "origin", "created_at", "sync_state"), r,
                     strict=True)) for r in rows]


def conflicts(conn: sqlite3.Connection, alert_id: str) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT at, actor, old_value, new_value, detail FROM audit WHERE "
                        "alert_id = ? AND action = 'conflict' ORDER BY id", (alert_id,))
    return [dict(zip(("at", "target", "local", "remote", "detail"), r, strict=True))
            for r in rows]


# -- watermarks ----------------------------------------------------------------------------------
def watermark(conn: sqlite3.Connection, target: str) -> str | None:
    row = conn.execute("SELECT watermark FROM sync_cursor WHERE target = ?",
                       (target,)).fetchone()
    return row[0] if row else None


def set_watermark(conn: sqlite3.Connection, target: str, value: str) -> None:
    conn.execute("INSERT INTO sync_cursor (target, watermark, updated_at) VALUES (?, ?, ?) "
                 "ON CONFLICT (target) DO UPDATE SET watermark = excluded.watermark, "
                 "updated_at = excluded.updated_at", (target, value, now_iso()))
